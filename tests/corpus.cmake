# Corpus cross-check against a peer (issue 7): portlabel's flows and per-direction packet
# counts against nDPI's own listing (NAME.out) for every capture in ../shared/pcaps/ndpi.
# Skipped (77) when the corpus is absent. Thresholds, measured 2026-11-26 on 284 captures:
# 95.65% of the 3,173 flow keys both tools report agree (exact, or equal totals when one tool
# splits a flow by its timeouts); every other key is explained (later IP fragments, which
# portlabel counts per SPEC §3 and nDPI does not; snaplen-cut packets, which portlabel counts
# per SPEC §8 and nDPI drops). The gate: agreement >= 95% (a loss of ~20 keys), and no more than
# 3 differences without a known reason (a new kind of difference is a regression to look at).
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME corpus.ndpi
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/corpus/ndpi_compare.py
                   --portlabel $<TARGET_FILE:portlabel> --shared ${PL_SHARED_DIR}
                   --registry ${CMAKE_SOURCE_DIR}/tests/golden/registry.csv
                   --min-agreement 95 --max-unexplained 3)
  set_tests_properties(corpus.ndpi PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900)
endif()
