#pragma once

namespace tokensync::cli {

// Process exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitPartial = 1;  // some items failed, the rest were done
inline constexpr int kExitConfig = 2;   // configuration, usage or connection error

}  // namespace tokensync::cli
