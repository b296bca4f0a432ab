# comptoir_module(<name> [DEPS <module>...] [LIBS <target>...] [TEST_LIBS <target>...]
#                  [PG_TESTS])
#
# Creates the static library comptoir_<name> (alias comptoir::<name>) from the
# *.cpp files of the calling folder, with include/ as its public include path.
# A module links only the modules named in DEPS, so an include of a module
# that is not allowed fails to compile. tests/*_test.cpp become one test binary
# <name>_test, registered with CTest (label unit). With PG_TESTS, the binary has cases
# that run on PostgreSQL when COMPTOIR_TEST_PG_URL is set (skipped otherwise): it is
# registered a second time as <name>_pg, label pg (`ctest -L pg` with the variable set;
# ./scripts/test stage pg starts a throw-away server for it).
function(comptoir_module name)
  cmake_parse_arguments(M "PG_TESTS" "" "DEPS;LIBS;TEST_LIBS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  set(deps)
  foreach(d IN LISTS M_DEPS)
    list(APPEND deps comptoir::${d})
  endforeach()
  if(sources)
    add_library(comptoir_${name} STATIC ${sources})
    target_include_directories(comptoir_${name}
      PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
      PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    target_link_libraries(comptoir_${name} PUBLIC ${deps} ${M_LIBS})
    comptoir_warnings(comptoir_${name})
  else()
    # Interfaces only (headers).
    add_library(comptoir_${name} INTERFACE)
    target_include_directories(comptoir_${name} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(comptoir_${name} INTERFACE ${deps} ${M_LIBS})
  endif()
  add_library(comptoir::${name} ALIAS comptoir_${name})

  if(COMPTOIR_TESTS AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/tests)
    file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/*_test.cpp)
    if(tests)
      add_executable(${name}_test ${tests})
      target_link_libraries(${name}_test PRIVATE comptoir::${name} ${M_TEST_LIBS}
        GTest::gtest GTest::gmock GTest::gtest_main)
      target_include_directories(${name}_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
      comptoir_warnings(${name}_test)
      add_test(NAME ${name}_test COMMAND ${name}_test --gtest_brief=1)
      set_tests_properties(${name}_test PROPERTIES LABELS "unit")
      if(M_PG_TESTS)
        add_test(NAME ${name}_pg COMMAND ${name}_test --gtest_brief=1)
        set_tests_properties(${name}_pg PROPERTIES LABELS "pg")
      endif()
    endif()
  endif()
endfunction()

function(comptoir_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wno-missing-field-initializers)
  if(COMPTOIR_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
