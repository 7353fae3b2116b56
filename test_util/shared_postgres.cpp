#include "test_util/shared_postgres.hpp"

#include <memory>

namespace tokensync::test_util {

PostgresCluster& shared_postgres_cluster() {
    // Destroyed by static destruction at exit, which stops the server and
    // removes its directory.
    static const std::unique_ptr<PostgresCluster> cluster = [] {
        auto c = std::make_unique<PostgresCluster>();
        c->start();
        return c;
    }();
    return *cluster;
}

}  // namespace tokensync::test_util
