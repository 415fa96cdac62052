# Live capture (issue 4) and command-line checks that run the portlabel binary.
# live.capture needs root and `ip netns`: without them tests/live/run.sh exits 77 (skipped).
set(PL_LIVE_REGISTRY "${PL_SHARED_DIR}/registry/service-names-port-numbers.csv")

add_test(NAME cli.lookup_options_after_word
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/live/lookup_cli.sh $<TARGET_FILE:portlabel>
                 ${PL_LIVE_REGISTRY})
set_tests_properties(cli.lookup_options_after_word PROPERTIES SKIP_RETURN_CODE 77)

# Real traffic over veth pairs in network namespaces (tests/live/run.sh); about a minute.
# Serial: its timing checks (idle and close timers, --duration) want an unloaded machine.
add_test(NAME live.capture
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/live/run.sh $<TARGET_FILE:portlabel>)
set_tests_properties(live.capture PROPERTIES SKIP_RETURN_CODE 77 RUN_SERIAL TRUE TIMEOUT 400
                     ENVIRONMENT "PORTLABEL_REGISTRY=${PL_LIVE_REGISTRY}")
