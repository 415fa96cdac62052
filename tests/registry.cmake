# tests/registry.cmake — registry readers and tables, `portlabel lookup`, benchmark, fuzz target.
pl_unit_test(registry LIBS pl_label SOURCES unit/test_registry.c)
pl_unit_test(registry_shared LIBS pl_label SOURCES unit/test_registry_shared.c)
pl_unit_test(lookup LIBS pl_output SOURCES unit/test_lookup.c)

# Load-time benchmark (not a test): bench_registry FILE [N]
add_executable(bench_registry tools/bench_registry.c)
target_link_libraries(bench_registry PRIVATE pl_label)

if(PL_FUZZ)
  add_executable(fuzz_registry fuzz/fuzz_registry.c)
  target_link_libraries(fuzz_registry PRIVATE pl_label)
  target_link_options(fuzz_registry PRIVATE -fsanitize=fuzzer)
endif()

# registry/update.sh: offline failure is fast, one line, harmless; a mirror updates.
find_program(PL_CURL curl)   # the mirror check uses file:// URLs, which wget lacks
if(PL_CURL)
  add_test(NAME registry.update_script
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tools/registry_update_check.sh
                   ${CMAKE_SOURCE_DIR} ${PL_SHARED_DIR} $<TARGET_FILE:portlabel>)
  set_tests_properties(registry.update_script PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60)
endif()
