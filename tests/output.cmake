# tests/output.cmake — output sinks (JSON Lines, CSV, text), --audit, and hostile-registry escaping.
pl_unit_test(output LIBS pl_output SOURCES unit/test_output.c)
pl_unit_test(output_hostile LIBS pl_output SOURCES unit/test_output_hostile.c)
