# tests/pipeline.cmake — the per-frame path end to end (src/pipeline.c).
pl_unit_test(pipeline LIBS pl_pipeline SOURCES unit/test_pipeline.c support/frames.c)
