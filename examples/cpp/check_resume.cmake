# Checks gpt_char's --resume (cmake -P; see CMakeLists.txt beside this file): a run stopped
# after HALF steps and resumed from its checkpoint must end exactly as one that never
# stopped: the same final losses (printed to 4 decimals) and the same sampled text, which
# needs the model, the optimizer and the random state all restored.
# Inputs: RUN (gpt_char and its flags, without --checkpoint/--max-steps/--resume), HALF,
# SCRATCH (a folder for the checkpoints).
cmake_minimum_required(VERSION 3.25)

function(run_gpt_char out_var)
  execute_process(COMMAND ${RUN} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (exit ${rc}): ${RUN} ${ARGN}\n${out}\n${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# Everything from the "final:" line on: losses and the sample.
function(ending out_var text)
  string(FIND "${text}" "final:" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "no 'final:' line in:\n${text}")
  endif()
  string(SUBSTRING "${text}" ${at} -1 tail)
  # The wall time differs between runs; drop it.
  string(REGEX REPLACE "nats/char, [0-9.]+ s" "nats/char" tail "${tail}")
  set(${out_var} "${tail}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${SCRATCH}/resume_check)
run_gpt_char(straight --checkpoint ${SCRATCH}/resume_check/straight.safetensors)
run_gpt_char(first_half --max-steps ${HALF} --checkpoint ${SCRATCH}/resume_check/split.safetensors)
if(NOT first_half MATCHES "stopped at step ${HALF} ")
  message(FATAL_ERROR "the first half did not stop at step ${HALF}:\n${first_half}")
endif()
run_gpt_char(second_half --resume --checkpoint ${SCRATCH}/resume_check/split.safetensors)
if(NOT second_half MATCHES "resumed from [^\n]* at step ${HALF}\n")
  message(FATAL_ERROR "the second run did not resume at step ${HALF}:\n${second_half}")
endif()

ending(expected "${straight}")
ending(actual "${second_half}")
message("uninterrupted run:\n${expected}\nstopped and resumed:\n${actual}")
if(NOT expected STREQUAL actual)
  message(FATAL_ERROR "the resumed run ended differently from the uninterrupted one")
endif()
