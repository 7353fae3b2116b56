#pragma once

#include "test_util/postgres.hpp"

namespace tokensync::test_util {

// One running cluster per test binary, started on first use and removed when
// the binary exits, so a suite pays initdb once however many cases it has.
PostgresCluster& shared_postgres_cluster();

}  // namespace tokensync::test_util
