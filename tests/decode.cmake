# tests/decode.cmake — decoder unit tests, corpus run, benchmark and fuzz target.
foreach(t IN ITEMS cursor link ipv4 ipv6 transport decode)
  pl_unit_test(${t} LIBS pl_decode SOURCES unit/test_${t}.c support/frames.c)
endforeach()

# Decode every packet of every capture in the shared corpus; skipped (77) when it is absent.
add_executable(decode_corpus tools/decode_corpus.c support/frames.c)
target_include_directories(decode_corpus PRIVATE ${CMAKE_SOURCE_DIR}/tests/support)
target_compile_options(decode_corpus PRIVATE ${PL_WARNINGS})
target_link_libraries(decode_corpus PRIVATE pl_decode pl_capture PkgConfig::PCAP)
add_test(NAME corpus.decode COMMAND decode_corpus ${PL_SHARED_DIR}/pcaps)
set_tests_properties(corpus.decode PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900)

# libFuzzer target (CC=clang cmake -DPL_FUZZ=ON; tests/fuzz/run.sh runs it, seeded by
# decode_corpus --dump-seeds).
if(PL_FUZZ)
  add_executable(fuzz_decode fuzz/fuzz_decode.c support/frames.c)
  target_include_directories(fuzz_decode PRIVATE ${CMAKE_SOURCE_DIR}/tests/support)
  target_link_libraries(fuzz_decode PRIVATE pl_decode)
  target_link_options(fuzz_decode PRIVATE -fsanitize=fuzzer)
endif()

# Decoder speed (not a test): bench_decode [PACKETS].
add_executable(bench_decode tools/bench_decode.c support/frames.c)
target_include_directories(bench_decode PRIVATE ${CMAKE_SOURCE_DIR}/tests/support)
target_compile_options(bench_decode PRIVATE ${PL_WARNINGS})
target_link_libraries(bench_decode PRIVATE pl_decode)
