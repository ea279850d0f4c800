# riskd_target_defaults(<target>): the warning set for the project's own code.
# Generated code (protobuf) does not get -Werror: its warnings are not ours.
function(riskd_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-unused-parameter)
endfunction()
