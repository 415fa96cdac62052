# Golden end-to-end tests (STYLE §9): the project's own captures in pcaps/, made by
# tests/tools/mkpcaps.c, run through portlabel and compared with tests/golden/*.{json,csv,txt}.
# Regenerate expected files only on purpose: PL_UPDATE_GOLDEN=1 ctest -R golden.

add_executable(mkpcaps ${CMAKE_SOURCE_DIR}/tests/tools/mkpcaps.c)
target_compile_options(mkpcaps PRIVATE ${PL_WARNINGS})
target_link_libraries(mkpcaps PRIVATE PkgConfig::PCAP)

find_package(Python3 COMPONENTS Interpreter)

# pcaps.reproducible: regenerate every capture and compare byte for byte with pcaps/.
add_test(NAME pcaps.reproducible
         COMMAND ${CMAKE_COMMAND} -DMKPCAPS=$<TARGET_FILE:mkpcaps>
                 -DOUT=${CMAKE_CURRENT_BINARY_DIR}/pcaps-regen
                 -DREF=${CMAKE_SOURCE_DIR}/pcaps
                 -P ${CMAKE_SOURCE_DIR}/tests/golden/compare_pcaps.cmake)

# golden.NAME for every line of TESTLIST.
file(STRINGS ${CMAKE_SOURCE_DIR}/tests/golden/TESTLIST PL_GOLDEN_LINES)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_SOURCE_DIR}/tests/golden/TESTLIST)
foreach(line IN LISTS PL_GOLDEN_LINES)
  string(STRIP "${line}" line)
  if(line STREQUAL "" OR line MATCHES "^#")
    continue()
  endif()
  string(REGEX MATCH "^[^ \t]+" gname "${line}")
  if(Python3_Interpreter_FOUND)
    add_test(NAME golden.${gname}
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/golden/run_golden.py
                     --portlabel $<TARGET_FILE:portlabel> --source ${CMAKE_SOURCE_DIR} ${gname})
  endif()
endforeach()
