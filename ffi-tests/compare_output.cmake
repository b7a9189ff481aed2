# cmake -DCMD=<exe> [-DARGS=<a;b>] -DOUT=<file> -DEXPECTED=<file> -P compare_output.cmake
# Runs CMD, writes its standard output to OUT, and fails unless OUT equals
# EXPECTED byte for byte (printing a diff when it does not).
execute_process(COMMAND "${CMD}" ${ARGS} OUTPUT_FILE "${OUT}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${CMD} exited with ${rc}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${OUT}" "${EXPECTED}" RESULT_VARIABLE differ)
if(NOT differ EQUAL 0)
  execute_process(COMMAND diff -u "${EXPECTED}" "${OUT}")
  message(FATAL_ERROR "${OUT} differs from ${EXPECTED}")
endif()
file(STRINGS "${OUT}" lines)
list(LENGTH lines n)
message(STATUS "${n} lines identical to ${EXPECTED}")
