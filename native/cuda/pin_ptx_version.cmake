# cmake -DIN=<nvcc output> -DOUT=<pinned PTX> -DISA=<major.minor> -P pin_ptx_version.cmake
#
# Rewrites the PTX file's ".version X.Y" line to ISA when X.Y is newer, so a driver older than the
# toolkit that wrote it still loads it (a driver rejects a PTX ISA newer than it knows). Lowering
# is only safe if the code uses nothing newer; the ptxas step that follows in the build checks that.
foreach(_var IN ITEMS IN OUT ISA)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "pin_ptx_version.cmake needs -D${_var}=...")
  endif()
endforeach()

file(READ "${IN}" _ptx)
string(REGEX MATCH "(^|\n)\\.version ([0-9]+\\.[0-9]+)" _line "${_ptx}")
if(NOT _line)
  message(FATAL_ERROR "${IN}: no '.version' line; is it PTX?")
endif()
set(_found "${CMAKE_MATCH_2}")
if(_found VERSION_GREATER ISA)
  string(REGEX REPLACE "(^|\n)\\.version [0-9]+\\.[0-9]+" "\\1.version ${ISA}" _ptx "${_ptx}")
  message(STATUS "${OUT}: PTX ISA ${_found} pinned to ${ISA}")
else()
  message(STATUS "${OUT}: PTX ISA ${_found} kept (not above ${ISA})")
endif()
file(WRITE "${OUT}" "${_ptx}")
