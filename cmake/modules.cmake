# postamt_module(NAME DEPS ...): a static library `postamt_<NAME>` (slashes become underscores) built
# from every .cpp below src/NAME/, recursively, so adding a file to a module needs no CMake edit.
# A module's protocol/ and client/ folders are modules of their own (DESIGN.md: protocol code links only
# common; smtp/client is the outbound SMTP client).
# Unit tests: tests/unit/NAME/**/*_test.cpp become one GoogleTest binary `unit_<name>` per module.
function(postamt_module name)
  cmake_parse_arguments(M "" "" "DEPS" ${ARGN})
  string(REPLACE "/" "_" lib ${name})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  if(NOT name MATCHES "/(protocol|client)$")
    list(FILTER srcs EXCLUDE REGEX "/src/${name}/(protocol|client)/")
  endif()
  if(NOT srcs)
    set(srcs ${PROJECT_SOURCE_DIR}/cmake/empty.cpp)
  endif()
  add_library(postamt_${lib} STATIC ${srcs})
  target_include_directories(postamt_${lib} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(postamt_${lib} PUBLIC ${M_DEPS})
  set_property(GLOBAL APPEND PROPERTY POSTAMT_MODULES ${name})
endfunction()

# Called from tests/: one unit test binary per module that has tests.
function(postamt_unit_tests)
  get_property(mods GLOBAL PROPERTY POSTAMT_MODULES)
  foreach(name ${mods})
    string(REPLACE "/" "_" lib ${name})
    file(GLOB_RECURSE tsrcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/unit/${name}/*_test.cpp)
    if(NOT name MATCHES "/(protocol|client)$")
      list(FILTER tsrcs EXCLUDE REGEX "/tests/unit/${name}/(protocol|client)/")
    endif()
    if(NOT tsrcs)
      continue()
    endif()
    add_executable(unit_${lib} ${tsrcs})
    target_link_libraries(unit_${lib} PRIVATE postamt_${lib} GTest::gtest_main GTest::gmock)
    target_compile_definitions(unit_${lib} PRIVATE
      POSTAMT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
      POSTAMT_CORPUS_DIR="${PROJECT_SOURCE_DIR}/tests/corpus")
    gtest_discover_tests(unit_${lib} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
  endforeach()
endfunction()
