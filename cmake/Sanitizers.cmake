# Sanitizer and fuzzing builds of seqc; included right after project().
#
#   SEQC_SANITIZE=ON  ASan + UBSan (aborting on the first report) on all seqc
#                     code, at -O1 so that the build stays affordable.
#   SEQC_FUZZ=ON      libFuzzer coverage on all seqc code and the fuzz/
#                     targets (needs clang, e.g. -DCMAKE_CXX_COMPILER=
#                     clang++-22; see docs/fuzzing.md).
#
# A build with either is its own build directory (build-fuzz/ in
# scripts/fuzz.sh and scripts/test-sanitizers.sh). The flags apply to seqc's own code only: LLVM/MLIR come
# prebuilt and uninstrumented, and compiled modules are not instrumented.
include_guard(GLOBAL)

option(SEQC_SANITIZE "Build seqc with AddressSanitizer and UBSan" OFF)
option(SEQC_FUZZ "Build the libFuzzer targets in fuzz/ (needs clang)" OFF)

if(SEQC_FUZZ AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "SEQC_FUZZ needs clang with libFuzzer: configure with "
    "-DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22")
endif()

if(SEQC_SANITIZE)
  # Later on the command line than CMAKE_CXX_FLAGS_<CONFIG>, so -O1 wins.
  add_compile_options(-O1 -fsanitize=address,undefined
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(SEQC_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
