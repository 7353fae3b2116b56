# The anvil devnet fixture and the Solidity test contracts it deploys.
#
# contracts/<Name>.sol holds contract <Name>; scripts/compile-contracts.js
# compiles them all with the pinned solc-js into build/contracts/<Name>.json
# (Foundry artifact layout), again only when a source or the script changes.
find_program(NODE_EXECUTABLE node REQUIRED)
file(GLOB TOKENSYNC_CONTRACT_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/contracts/*.sol)
set(TOKENSYNC_CONTRACT_ARTIFACTS)
foreach(sol IN LISTS TOKENSYNC_CONTRACT_SOURCES)
  get_filename_component(contract ${sol} NAME_WE)
  list(APPEND TOKENSYNC_CONTRACT_ARTIFACTS ${PROJECT_BINARY_DIR}/contracts/${contract}.json)
endforeach()
add_custom_command(
  OUTPUT ${TOKENSYNC_CONTRACT_ARTIFACTS}
  COMMAND ${NODE_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/compile-contracts.js
          ${PROJECT_SOURCE_DIR}/contracts ${PROJECT_BINARY_DIR}/contracts
  DEPENDS ${TOKENSYNC_CONTRACT_SOURCES} ${PROJECT_SOURCE_DIR}/scripts/compile-contracts.js
  COMMENT "Compiling the test contracts with solc-js"
  VERBATIM)
add_custom_target(tokensync_contracts ALL DEPENDS ${TOKENSYNC_CONTRACT_ARTIFACTS})

tokensync_library(tokensync_test_devnet
  SOURCES devnet.cpp devnet_transactions.cpp devnet_contracts.cpp devnet_state.cpp abi_call.cpp populate.cpp
  LIBS tokensync_test_util tokensync_net tokensync_core Boost::json fmt::fmt)
add_dependencies(tokensync_test_devnet tokensync_contracts)

tokensync_test(devnet_test
  SOURCES devnet_test.cpp
  LIBS tokensync_test_devnet
  LABELS devnet WHOLE TIMEOUT 120)

# populate(): a deterministic mix of ERC-721 and ERC-1155 activity, many transactions a block.
tokensync_test(populate_test
  SOURCES populate_test.cpp
  LIBS tokensync_test_devnet
  LABELS devnet WHOLE TIMEOUT 180)
