# Hardening (issue 6): hostile files, resource bounds under floods, fuzz-finding regressions.
# Inputs are generated at test time into the build directory (tests/hardening/pcapgen.py and
# the pl_flood generator); nothing large is committed. The 5,000,000-flow flood carries the
# label `flood` (about 1-3 minutes): `ctest -L flood` runs it alone, `ctest -LE flood` skips it.
find_package(Python3 COMPONENTS Interpreter)
add_executable(pl_flood ${CMAKE_SOURCE_DIR}/tests/hardening/flood.c)
target_compile_options(pl_flood PRIVATE ${PL_WARNINGS})

# Fuzz findings stay regression tests in every build: fuzz_replay runs fuzz_pipeline's
# LLVMFuzzerTestOneInput without libFuzzer, on tests/hardening/regress/*.bin (minimized
# findings: libFuzzer's input format, first byte = mode) and on the project's own captures
# with every mode byte (format, audit, streaming, small tables, short timeouts, only-flagged).
if(NOT PL_FUZZ)
  add_executable(fuzz_replay_pipeline ${CMAKE_SOURCE_DIR}/tests/hardening/fuzz_replay.c
                 ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_pipeline.c)
  target_link_libraries(fuzz_replay_pipeline PRIVATE pl_core)
  target_compile_options(fuzz_replay_pipeline PRIVATE ${PL_WARNINGS})
  file(GLOB PL_OWN_PCAPS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/pcaps/*.pcap)
  add_test(NAME hardening.fuzz_pipeline_all_modes
           COMMAND fuzz_replay_pipeline --all-modes ${PL_OWN_PCAPS})
  file(GLOB PL_FUZZ_REGRESS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/hardening/regress/*.bin)
  if(PL_FUZZ_REGRESS)
    add_test(NAME hardening.fuzz_pipeline_regress COMMAND fuzz_replay_pipeline ${PL_FUZZ_REGRESS})
  endif()
  set_tests_properties(hardening.fuzz_pipeline_all_modes PROPERTIES TIMEOUT 120 LABELS hardening)
endif()

if(Python3_Interpreter_FOUND)
  set(PL_HARDEN_DIR ${CMAKE_CURRENT_BINARY_DIR}/hardening)
  set(PL_HARDEN_ARGS --portlabel $<TARGET_FILE:portlabel>)
  function(pl_hardening_test name script)
    add_test(NAME hardening.${name}
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/hardening/${script}
                     ${PL_HARDEN_ARGS} --workdir ${PL_HARDEN_DIR}/${name} ${ARGN})
    set_tests_properties(hardening.${name} PROPERTIES TIMEOUT 120 LABELS hardening)
  endfunction()
  find_program(PL_VALGRIND valgrind)
  if(PL_VALGRIND AND NOT PL_SANITIZE AND NOT PL_FUZZ)
    pl_hardening_test(bad_files bad_files.py --valgrind ${PL_VALGRIND})
  else()
    pl_hardening_test(bad_files bad_files.py)
  endif()
  # Peak RSS bounds (floods.py explains 128 MB). ASan keeps freed memory in quarantine and maps
  # shadow memory, so a sanitized build gets a looser bound (still below the >= 500 MB that
  # keeping every flow of the 5M flood would need).
  if(PL_SANITIZE OR PL_FUZZ)
    set(PL_HARDEN_RSS_MB 400)
  else()
    set(PL_HARDEN_RSS_MB 128)
  endif()
  set(PL_FLOOD_ARGS --flood $<TARGET_FILE:pl_flood> --rss-mb ${PL_HARDEN_RSS_MB})
  pl_hardening_test(lru_order floods.py ${PL_FLOOD_ARGS} --case lru)
  pl_hardening_test(fragment_flood floods.py ${PL_FLOOD_ARGS} --case frags)
  pl_hardening_test(flow_flood_5m floods.py ${PL_FLOOD_ARGS} --case flows
                    --flows 5000000 --max-flows 100000)
  set_tests_properties(hardening.flow_flood_5m PROPERTIES TIMEOUT 600 LABELS "hardening;flood")
  # Hash flooding: 40,000 flows crafted to share one hash value must not cost much more than
  # 40,000 ordinary ones. Fails while the flow table's hash is unkeyed (reported for src/flow).
  pl_hardening_test(hash_flood hash_flood.py)
  # Timestamps at random: 20,000 flows must not cost much more than in order. Fails while the
  # flow table's timer lists are sorted by walking them (reported for src/flow).
  pl_hardening_test(time_disorder time_disorder.py)
  # Hostile sizes: lengths in capture headers, huge registries. Sanitizer builds map terabytes
  # of shadow memory, so they run without the 1 GiB address-space limit.
  if(PL_SANITIZE OR PL_FUZZ)
    set(PL_HARDEN_RLIMIT --no-rlimit)
  else()
    set(PL_HARDEN_RLIMIT)
  endif()
  pl_hardening_test(huge_lengths limits.py --case lengths ${PL_HARDEN_RLIMIT})
  pl_hardening_test(registry_limits limits.py --case registry ${PL_HARDEN_RLIMIT})
  # -R /dev/zero: a registry that never ends must be refused early. Needs the address-space
  # limit (without it the run would take the host's memory), so not in sanitizer builds.
  if(NOT PL_SANITIZE AND NOT PL_FUZZ)
    pl_hardening_test(registry_endless limits.py --case registry-endless)
  endif()
endif()
