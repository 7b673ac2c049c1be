# Fuzzing (fuzz/): CCCI_FUZZ builds the targets, ON by default so every build compiles them.
# CCCI_FUZZ_ENGINE=replay (default, any compiler): each target runs a seed corpus once through
#   fuzz/replay_main.cpp; ctest replays the seeds (label fuzz-replay).
# CCCI_FUZZ_ENGINE=libfuzzer (clang; scripts/run-fuzz.sh, its own build dir): libFuzzer, with
#   everything instrumented for coverage and ASan + UBSan aborting on the first finding.
option(CCCI_FUZZ "Build the fuzz targets in fuzz/" ON)
set(CCCI_FUZZ_ENGINE "replay" CACHE STRING "replay (any compiler) or libfuzzer (clang)")
set_property(CACHE CCCI_FUZZ_ENGINE PROPERTY STRINGS replay libfuzzer)
if(CCCI_FUZZ AND CCCI_FUZZ_ENGINE STREQUAL "libfuzzer")
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "CCCI_FUZZ_ENGINE=libfuzzer needs clang (CC=clang CXX=clang++)")
  endif()
  target_compile_options(ccci_settings INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(ccci_settings INTERFACE -fsanitize=address,undefined)
endif()
