# Runs one example for a quick check (cmake -P; see CMakeLists.txt beside this file) and
# fails unless it exits 0 and the loss it printed went down: its output must hold at least
# two "step <n> loss <value>" lines and the last value must be below the first.
# Input: RUN, the command as a list.
cmake_minimum_required(VERSION 3.25)

execute_process(COMMAND ${RUN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}")
if(err)
  message("stderr:\n${err}")
endif()
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "example run failed (exit ${rc}): ${RUN}")
endif()

string(REGEX MATCHALL "step [0-9]+ loss [0-9.eE+-]+" loss_lines "${out}")
list(LENGTH loss_lines count)
if(count LESS 2)
  message(FATAL_ERROR "expected at least two 'step N loss X' lines, found ${count}")
endif()
list(GET loss_lines 0 first)
list(GET loss_lines -1 last)
string(REGEX REPLACE ".* loss " "" first_loss "${first}")
string(REGEX REPLACE ".* loss " "" last_loss "${last}")
if(NOT last_loss LESS first_loss)
  message(FATAL_ERROR "the loss did not go down: '${first}' then '${last}'")
endif()
message(STATUS "loss went down: '${first}' -> '${last}'")
