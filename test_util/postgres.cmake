# The throwaway PostgreSQL cluster (postgres.hpp), for the store suites.
tokensync_library(tokensync_test_pg SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/postgres.cpp ${CMAKE_CURRENT_SOURCE_DIR}/shared_postgres.cpp
  LIBS tokensync_test_util fmt::fmt)
