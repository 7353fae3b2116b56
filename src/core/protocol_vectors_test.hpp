#pragma once

// Known answers from PROTOCOLS.md section 2 ("Verified hashes"), shared by
// the keccak tests (hashing the canonical text) and the ABI tests (parsing
// the signature first).
#include <string_view>
#include <utility>

namespace tokensync::core::test_vectors {

inline constexpr std::pair<std::string_view, std::string_view> kEventTopics[] = {
    {"Transfer(address,address,uint256)", "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"},
    {"Approval(address,address,uint256)", "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925"},
    {"ApprovalForAll(address,address,bool)", "0x17307eab39ab6107e8899845ad3d59bd9653f200f220920489ca2b5937696c31"},
    {"TransferSingle(address,address,address,uint256,uint256)",
     "0xc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62"},
    {"TransferBatch(address,address,address,uint256[],uint256[])",
     "0x4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb"},
    {"URI(string,uint256)", "0x6bb7ff708619ba0610cba295a58592e0451dee2622938c8755667688daf3529b"},
    {"MetadataUpdate(uint256)", "0xf8e1a15aba9398e019f0b49df1a4fde98ee17ae345cb5f6b5e2c27f5033e8ce7"},
    {"BatchMetadataUpdate(uint256,uint256)", "0x6bd5c950a8d8df17f772f5af37cb3655737899cbf903264b9795592da439661c"},
};

inline constexpr std::pair<std::string_view, std::string_view> kFunctionSelectors[] = {
    {"tokenURI(uint256)", "c87b56dd"},
    {"uri(uint256)", "0e89341c"},
    {"ownerOf(uint256)", "6352211e"},
    {"balanceOf(address)", "70a08231"},
    {"balanceOf(address,uint256)", "00fdd58e"},
    {"balanceOfBatch(address[],uint256[])", "4e1273f4"},
    {"supportsInterface(bytes4)", "01ffc9a7"},
    {"name()", "06fdde03"},
    {"symbol()", "95d89b41"},
    {"totalSupply()", "18160ddd"},
    {"safeTransferFrom(address,address,uint256)", "42842e0e"},
    {"transferFrom(address,address,uint256)", "23b872dd"},
    {"Error(string)", "08c379a0"},
    {"Panic(uint256)", "4e487b71"},
};

}  // namespace tokensync::core::test_vectors
