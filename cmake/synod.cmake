# Build helpers shared by every directory.
get_filename_component(SYNOD_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)

set(SYNOD_WARNINGS -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
    -Wimplicit-fallthrough)
# GCC 12 reports -Wmaybe-uninitialized false positives inside std::variant/std::optional at -O2
# (GCC bugs 80635, 105562); clang's -Wsometimes-uninitialized still covers our own code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND SYNOD_WARNINGS -Wno-maybe-uninitialized)
endif()
if(SYNOD_WERROR)
  list(APPEND SYNOD_WARNINGS -Werror)
endif()

if(SYNOD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

# synod_library(NAME SOURCES a.cpp ... DEPS lib ...)
# Protocol libraries must depend only on synod_core/synod_wire/synod_node/synod_check and other
# protocol libraries: scripts/check-boundaries enforces that no protocol source touches I/O.
function(synod_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${SYNOD_ROOT})
  target_compile_options(${name} PRIVATE ${SYNOD_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# synod_test(NAME SOURCES a_test.cpp ... DEPS lib ... LABELS unit|sim|integration)
function(synod_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${SYNOD_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
  if(SYNOD_SANITIZE)
    # Sanitizers slow the simulator ~10x: swarm acceptance tests run 200 seeds here (1,000 in
    # the release build) so that `make test` stays within its 25-minute budget on 2 cores.
    set_tests_properties(${name} PROPERTIES ENVIRONMENT SYNOD_SWARM_SEEDS=200)
  endif()
endfunction()
