// The ABI tiers of the plugin contract.
//
// A plugin and a host are compatible when:
//   - the ABI major is equal (a major bump changes the descriptor or an interface's layout),
//   - the plugin's ABI minor is not newer than the host's,
//   - the build id is equal: the objects behind the interfaces are C++ (std::string, virtual
//     tables, request and response structs passed by value), so compiler, standard library and
//     SDK version must match exactly.
//
// What that means in practice: the build id pins the exact SDK version, so a plugin is rebuilt
// for every ferry release; no binary compatibility across SDK versions is promised. The major and
// minor are checked first only so that a refusal can say why (a plugin for another contract, a
// plugin newer than the host) before comparing toolchains.
#pragma once

#define FERRY_SDK_ABI_MAJOR 3
#define FERRY_SDK_ABI_MINOR 0
#define FERRY_SDK_VERSION "0.3.0"

#define FERRY_SDK_STR2(x) #x
#define FERRY_SDK_STR(x) FERRY_SDK_STR2(x)

#if defined(__clang__)
#define FERRY_SDK_COMPILER "clang-" FERRY_SDK_STR(__clang_major__)
#elif defined(__GNUC__)
#define FERRY_SDK_COMPILER "gcc-" FERRY_SDK_STR(__GNUC__)
#else
#define FERRY_SDK_COMPILER "cc-unknown"
#endif

#if defined(_GLIBCXX_RELEASE)
#define FERRY_SDK_STDLIB "libstdc++-" FERRY_SDK_STR(_GLIBCXX_RELEASE) "-abi" FERRY_SDK_STR(_GLIBCXX_USE_CXX11_ABI)
#elif defined(_LIBCPP_VERSION)
#define FERRY_SDK_STDLIB "libc++-" FERRY_SDK_STR(_LIBCPP_VERSION)
#else
#define FERRY_SDK_STDLIB "stdlib-unknown"
#endif

// Sanitizers change object layouts of the standard library in debug modes and pull in their own
// runtime: a sanitized host must only load sanitized plugins.
#if defined(__SANITIZE_ADDRESS__)
#define FERRY_SDK_SANITIZER ";asan"
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FERRY_SDK_SANITIZER ";asan"
#endif
#endif
#ifndef FERRY_SDK_SANITIZER
#define FERRY_SDK_SANITIZER ""
#endif

#define FERRY_SDK_BUILD_ID \
    FERRY_SDK_COMPILER ";" FERRY_SDK_STDLIB ";sdk-" FERRY_SDK_VERSION FERRY_SDK_SANITIZER

// The symbol every plugin library exports (extern "C", so no mangling to agree on).
#define FERRY_PLUGIN_ENTRY_SYMBOL "ferry_plugin_entry_v1"
