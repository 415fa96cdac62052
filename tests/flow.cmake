# tests/flow.cmake — flow table, flow key, fragments and labelling unit tests (SPEC §3-5, §8),
# and the flow-table benchmark tool (not a test).
pl_unit_test(flow_key LIBS pl_flow SOURCES unit/test_flow_key.c)
pl_unit_test(flow_table LIBS pl_flow SOURCES unit/test_flow_table.c)
pl_unit_test(flow_model LIBS pl_flow SOURCES unit/test_flow_model.c)
pl_unit_test(frag LIBS pl_flow SOURCES unit/test_frag.c)
pl_unit_test(label LIBS pl_label SOURCES unit/test_label.c)

add_executable(bench_flow ${CMAKE_SOURCE_DIR}/tests/tools/bench_flow.c)
target_compile_options(bench_flow PRIVATE ${PL_WARNINGS})
target_include_directories(bench_flow PRIVATE ${CMAKE_SOURCE_DIR}/tests/support)
target_link_libraries(bench_flow PRIVATE pl_flow)

# The prefetch hints survive link-time optimisation (see the script; skipped in builds
# without it, where nothing could drop them). bench_flow calls the three entry points that
# make a look-up first (bucket 1, flow node 2, LRU neighbours 2, a new key's chain head 1);
# portlabel's pipeline has those and the chain hint's 2.
if(CMAKE_INTERPROCEDURAL_OPTIMIZATION)
  set(pl_lto_state lto)
else()
  set(pl_lto_state no-lto)
endif()
add_test(NAME flow.prefetch_hints_compiled
         COMMAND sh ${CMAKE_SOURCE_DIR}/tests/tools/prefetch_check.sh ${pl_lto_state}
                 $<TARGET_FILE:bench_flow> 6 $<TARGET_FILE:portlabel> 8)
set_tests_properties(flow.prefetch_hints_compiled PROPERTIES SKIP_RETURN_CODE 77)
