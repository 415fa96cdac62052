# tests/cli.cmake — command-line contract tests (SPEC §7).
add_test(NAME cli.usage
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/cli/usage.sh $<TARGET_FILE:portlabel>
                 ${CMAKE_SOURCE_DIR}/tests/golden/registry.csv)
