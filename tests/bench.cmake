# tests/bench.cmake — benchmark tools (workload generator, libpcap floor) and the CI smoke
# run of tests/bench/bench.sh: a small W1 whose flow and packet counts must equal the
# generator's truth. Speed is never judged here.
foreach(tool gen_workload pcap_floor)
  add_executable(${tool} ${CMAKE_SOURCE_DIR}/tests/tools/${tool}.c)
  target_compile_options(${tool} PRIVATE ${PL_WARNINGS})
  target_link_libraries(${tool} PRIVATE PkgConfig::PCAP)
endforeach()

# Exit 77 (skipped) while portlabel cannot read files yet.
add_test(NAME bench.smoke
         COMMAND ${CMAKE_SOURCE_DIR}/tests/bench/bench.sh --small-run --no-peers --touch-floor
                 --portlabel $<TARGET_FILE:portlabel>
                 --gen $<TARGET_FILE:gen_workload> --floor $<TARGET_FILE:pcap_floor>
                 --work-dir ${CMAKE_CURRENT_BINARY_DIR}/bench-smoke)
set_tests_properties(bench.smoke PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
