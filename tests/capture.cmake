# tests/capture.cmake — saved-file input (src/capture.c): its own buffered stream against plain stdio.
pl_unit_test(capture LIBS pl_capture SOURCES unit/test_capture.c)
# The same tests over capture.c built to read at most 7 records per pcap_dispatch() call, so
# that a saved file takes many calls (as one of more than INT_MAX records would).
pl_unit_test(capture_batches LIBS pl_util PkgConfig::PCAP
             SOURCES unit/test_capture.c ${CMAKE_SOURCE_DIR}/src/capture.c)
target_compile_definitions(test_capture_batches PRIVATE PL_DISPATCH_MAX=7)
