# The pipeline's libFuzzer target (configure with CC=clang -DPL_FUZZ=ON; tests/fuzz/run.sh runs
# every fuzz_* built). The decoder's and the registry's are in decode.cmake and registry.cmake.
if(PL_FUZZ)
  add_executable(fuzz_pipeline fuzz/fuzz_pipeline.c)
  target_link_libraries(fuzz_pipeline PRIVATE pl_core)
  target_link_options(fuzz_pipeline PRIVATE -fsanitize=fuzzer)
endif()
