# ferry_add_plugin(NAME KIND source|engine|destination|reader SOURCES file...)
#
# Builds a plugin as a loadable module named ferry_<kind>_<name>.so with hidden visibility (only the
# entry FERRY_PLUGIN writes is exported). Inside the ferry tree it lands in build/lib/ferry/plugins/
# and installs to <prefix>/lib/ferry/plugins/; out of tree it lands in the build folder and installs
# to lib/ferry/plugins under the plugin project's prefix. Returns the target as ferry_<kind>_<name>.
function(ferry_add_plugin name)
  cmake_parse_arguments(ARG "" "KIND" "SOURCES" ${ARGN})
  if(NOT ARG_KIND MATCHES "^(source|engine|destination|reader)$")
    message(FATAL_ERROR "ferry_add_plugin(${name}): KIND must be source, engine, destination or reader")
  endif()
  set(target ferry_${ARG_KIND}_${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  if(TARGET ferry::sdk)
    target_link_libraries(${target} PRIVATE ferry::sdk)
  endif()
  target_compile_definitions(${target} PRIVATE BOOST_DLL_USE_STD_FS)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(DEFINED FERRY_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${FERRY_PLUGIN_OUTPUT_DIR})
    install(TARGETS ${target} LIBRARY DESTINATION ${FERRY_PLUGIN_INSTALL_DIR})
  else()
    install(TARGETS ${target} LIBRARY DESTINATION lib/ferry/plugins)
  endif()
  set_property(GLOBAL APPEND PROPERTY FERRY_PLUGIN_TARGETS ${target})
  set(FERRY_LAST_PLUGIN_TARGET ${target} PARENT_SCOPE)
endfunction()
