# postamt_module(NAME DEPS ...): a static library built from every .cpp below src/NAME/
# (recursively), so adding a file to a module needs no CMake edit.
function(postamt_module name)
  cmake_parse_arguments(M "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${name}/*.cpp)
  if(NOT srcs)
    set(srcs ${PROJECT_SOURCE_DIR}/cmake/empty.cpp)
  endif()
  add_library(postamt_${name} STATIC ${srcs})
  target_include_directories(postamt_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(postamt_${name} PUBLIC ${M_DEPS})
  set_property(GLOBAL APPEND PROPERTY POSTAMT_MODULES postamt_${name})
endfunction()
