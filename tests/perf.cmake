# tests/perf.cmake — the speed work's fast paths give the same bytes as the slow ones they replaced.
pl_unit_test(output_fast LIBS pl_output SOURCES unit/test_output_fast.c)
