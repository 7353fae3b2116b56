# Compiler warnings shared by every target of the project.
add_library(tokensync_warnings INTERFACE)
target_compile_options(tokensync_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<BOOL:${TOKENSYNC_WERROR}>:-Werror>)

# tokensync_library(NAME SOURCES ... LIBS ...): one static library per layer,
# with src/ (and the repository root, for test_util/) on the include path.
function(tokensync_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_LIBS} PRIVATE tokensync_warnings)
endfunction()

# tokensync_test(NAME SOURCES ... LIBS ... [LABELS ...] [WHOLE] [TIMEOUT s])
# TIMEOUT is for the normal build; sanitizer builds multiply it by TOKENSYNC_TEST_TIMEOUT_SCALE.
# Without WHOLE every GoogleTest case is its own CTest test (run in parallel);
# WHOLE registers the binary as one test, for suites that share an expensive
# fixture (a PostgreSQL cluster, an anvil node) across their cases.
function(tokensync_test name)
  if(NOT TOKENSYNC_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "WHOLE" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  # Sanitized builds run slower (cmake/TokensyncSanitizers.cmake).
  math(EXPR ARG_TIMEOUT "${ARG_TIMEOUT} * ${TOKENSYNC_TEST_TIMEOUT_SCALE}")
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main tokensync_warnings)
  if(ARG_WHOLE)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
      ENVIRONMENT "TOKENSYNC_SOURCE_DIR=${PROJECT_SOURCE_DIR};TOKENSYNC_BUILD_DIR=${PROJECT_BINARY_DIR}")
  else()
    # gtest_discover_tests (CMake 3.25) splits every property value at ';',
    # so discovered tests get single values: several labels are joined into
    # one ("devnet;slow" -> "devnet-slow", which `ctest -L devnet` and
    # `ctest -L slow` both match, as -L takes a regular expression), and the
    # build directory reaches the tests as a compile definition instead.
    list(JOIN ARG_LABELS "-" label)
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 TEST_PREFIX "${name}."
      PROPERTIES LABELS "${label}" TIMEOUT ${ARG_TIMEOUT}
      ENVIRONMENT "TOKENSYNC_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  endif()
endfunction()
