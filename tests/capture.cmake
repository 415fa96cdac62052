# tests/capture.cmake — saved-file input (src/capture.c): its own buffered stream against plain stdio.
pl_unit_test(capture LIBS pl_capture SOURCES unit/test_capture.c)
