#include <fstream>

#include <fmt/format.h>

#include "core/hex.hpp"
#include "test_util/devnet.hpp"

namespace tokensync::test_util {

void Devnet::save_state(const std::filesystem::path& path) {
    // anvil_dumpState answers gzip bytes, but --load-state reads plain JSON.
    const auto gz = core::from_hex(rpc("anvil_dumpState").as_string());
    if (!gz) throw std::runtime_error(fmt::format("anvil_dumpState: {}", core::to_string(gz.error())));
    const auto gz_path = path.string() + ".gz";
    {
        std::ofstream out(gz_path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(gz->data()), static_cast<std::streamsize>(gz->size()));
        if (!out) throw std::runtime_error(fmt::format("cannot write {}", gz_path));
    }
    const auto result = run_command({"gzip", "-d", "-f", gz_path});
    if (result.status != 0) throw std::runtime_error(fmt::format("gzip -d {}: {}", gz_path, result.output));
}

void Devnet::restart_from_state(const std::filesystem::path& path) {
    load_state_ = path;
    restart();
}

}  // namespace tokensync::test_util
