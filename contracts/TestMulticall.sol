// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The one Multicall3 function tokensync uses, with the same ABI as the
/// canonical deployment (0xcA11bde05977b3631167028862bE2a173976CA11), so
/// tests on anvil (which has none) can read in bulk the way production does.
contract TestMulticall {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    error CallFailed(uint256 index);

    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory returnData) {
        returnData = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; ++i) {
            (bool ok, bytes memory ret) = calls[i].target.call(calls[i].callData);
            if (!ok && !calls[i].allowFailure) revert CallFailed(i);
            returnData[i] = Result(ok, ret);
        }
    }
}
