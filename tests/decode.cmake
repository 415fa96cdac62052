# tests/decode.cmake — decoder unit tests, corpus run, benchmark and fuzz target.
foreach(t IN ITEMS cursor link ipv4 ipv6 transport decode)
  pl_unit_test(${t} LIBS pl_decode SOURCES unit/test_${t}.c support/frames.c)
endforeach()
