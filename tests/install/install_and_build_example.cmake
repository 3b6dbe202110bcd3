# Run by ctest in script mode (cmake -P); see CMakeLists.txt beside this file.
# Inputs: BUILD_DIR, EXAMPLE_DIR, WORK_DIR, GENERATOR, CXX_COMPILER.
cmake_minimum_required(VERSION 3.25)

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "install test: ${what} failed (exit ${rc}): ${ARGN}")
  endif()
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

run_step("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

# Every public header must be installed and compile on its own: a header that leans on
# something only the source tree has (a private header, an include it forgot) fails here.
file(GLOB_RECURSE headers RELATIVE ${prefix}/include ${prefix}/include/deepseek/*.h)
list(LENGTH headers header_count)
if(header_count EQUAL 0)
  message(FATAL_ERROR "install test: no headers under ${prefix}/include/deepseek")
endif()
foreach(header IN LISTS headers)
  set(probe ${WORK_DIR}/header_probe.cpp)
  file(WRITE ${probe} "#include \"${header}\"\n")
  run_step("compiling ${header} on its own"
           ${CXX_COMPILER} -std=c++20 -fsyntax-only -I${prefix}/include ${probe})
endforeach()
message(STATUS "install test: ${header_count} installed headers compile standalone")

run_step("configuring the example against the installed package"
         ${CMAKE_COMMAND} -S ${EXAMPLE_DIR} -B ${WORK_DIR}/example -G ${GENERATOR}
         -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
         -DCMAKE_BUILD_TYPE=Release)
run_step("building the example" ${CMAKE_COMMAND} --build ${WORK_DIR}/example)
run_step("running the example" ${WORK_DIR}/example/fit_sine)
