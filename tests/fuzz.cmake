# libFuzzer targets (configure with CC=clang -DPL_FUZZ=ON; run with tests/fuzz/run.sh).
if(PL_FUZZ)
  add_executable(fuzz_pipeline fuzz/fuzz_pipeline.c)
  target_link_libraries(fuzz_pipeline PRIVATE pl_core)
  target_link_options(fuzz_pipeline PRIVATE -fsanitize=fuzzer)
endif()
