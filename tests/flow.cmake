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
