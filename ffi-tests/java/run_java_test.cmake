# cmake -DJAVAC=… -DJAVA=… -DJNA_JAR=… -DSRC=<dir> -DCLASSES=<dir> -DLIBDIR=<dir of libpartliq.so>
#       -DCASES=… -DEXPECTED=… -P run_java_test.cmake
# Compiles the JNA binding and its test with javac (warnings are errors) and runs it.
file(GLOB sources "${SRC}/dev/partliq/*.java")
file(REMOVE_RECURSE "${CLASSES}")
execute_process(COMMAND "${JAVAC}" -Xlint:all -Werror --release 17 -d "${CLASSES}" -cp "${JNA_JAR}" ${sources} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "javac failed (${rc})")
endif()
execute_process(COMMAND "${JAVA}" -cp "${CLASSES}:${JNA_JAR}" "-Djna.library.path=${LIBDIR}" dev.partliq.PartliqTest
                        "${CASES}" "${EXPECTED}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "java test failed (${rc})")
endif()
