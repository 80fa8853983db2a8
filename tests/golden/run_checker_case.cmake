# Runs golden_check on one case and checks its exit status (and, on a mismatch, that a diff and the
# received file were produced). Variables: CHECKER, EXPECTED_STATUS, GOLDEN, RECEIVED, LESSON (a list).
file(REMOVE "${RECEIVED}")
execute_process(COMMAND "${CHECKER}" --expected "${GOLDEN}" --received "${RECEIVED}" -- ${LESSON}
                RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE errors)
message("${output}${errors}")
if(NOT status EQUAL EXPECTED_STATUS)
  message(FATAL_ERROR "golden_check exited with ${status}, expected ${EXPECTED_STATUS}")
endif()
if(EXPECTED_STATUS EQUAL 1)
  if(NOT EXISTS "${RECEIVED}")
    message(FATAL_ERROR "golden_check did not write ${RECEIVED}")
  endif()
  if(NOT output MATCHES "@@ -[0-9]+,[0-9]+ \\+[0-9]+,[0-9]+ @@" AND NOT errors MATCHES "exited with status")
    message(FATAL_ERROR "golden_check reported a mismatch without a diff or a reason")
  endif()
endif()
