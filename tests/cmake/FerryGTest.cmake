# ferry_gtest(TARGET [PREFIX p] [LABELS l...] [SHARDS n] [DISCOVERY_TIMEOUT s])
#
# Registers a GoogleTest executable with ctest. By default every test case is a ctest test of its
# own (gtest_discover_tests), so `ctest -R Name` runs one case in a fresh process.
#
# With FERRY_GTEST_SHARDED=ON the executable is instead registered as SHARDS ctest tests
# (`<PREFIX><TARGET>.shard<i>of<n>`), each running a slice of its cases in one process (gtest's
# GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX). The sanitizer phase of tests/run.sh builds so: there a
# process start cost 0.1-0.3 s (the instrumented libraries and plugins relocated, LeakSanitizer's
# scan at exit), which, paid once per case for about a thousand cases, was a third of the phase.
# Cases run after one another in a shard, so a case that leaves state behind shows up there too.
# GTEST_FILTER in the environment still selects cases (tests/run.sh leaves some to the plain run).
option(FERRY_GTEST_SHARDED "Register each GoogleTest executable as a few shards instead of a ctest test per case" OFF)

function(ferry_gtest target)
  cmake_parse_arguments(ARG "" "PREFIX;SHARDS;DISCOVERY_TIMEOUT" "LABELS" ${ARGN})
  if(NOT ARG_SHARDS)
    set(ARG_SHARDS 1)
  endif()
  if(NOT ARG_DISCOVERY_TIMEOUT)
    set(ARG_DISCOVERY_TIMEOUT 5)  # gtest_discover_tests' own default
  endif()
  if(FERRY_GTEST_SHARDED)
    foreach(i RANGE 1 ${ARG_SHARDS})
      math(EXPR index "${i} - 1")
      set(name "${ARG_PREFIX}${target}.shard${i}of${ARG_SHARDS}")
      add_test(NAME ${name} COMMAND ${target})
      set_tests_properties(${name} PROPERTIES
        ENVIRONMENT "GTEST_TOTAL_SHARDS=${ARG_SHARDS};GTEST_SHARD_INDEX=${index}")
      if(ARG_LABELS)
        set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
      endif()
    endforeach()
  else()
    # Spelled out rather than built as a list: a list would split LABELS "a;b" into two arguments.
    set(discover ${target} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT ${ARG_DISCOVERY_TIMEOUT})
    if(ARG_PREFIX AND ARG_LABELS)
      gtest_discover_tests(${discover} TEST_PREFIX "${ARG_PREFIX}" PROPERTIES LABELS "${ARG_LABELS}")
    elseif(ARG_PREFIX)
      gtest_discover_tests(${discover} TEST_PREFIX "${ARG_PREFIX}")
    elseif(ARG_LABELS)
      gtest_discover_tests(${discover} PROPERTIES LABELS "${ARG_LABELS}")
    else()
      gtest_discover_tests(${discover})
    endif()
  endif()
endfunction()
