// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// Reveal announcements plus owner-written codes: tokensync's keeper answers
/// each TokenRevealed event by writing the token's code with setBulkCodes.
contract CodeReveal is Ownable {
    event TokenRevealed(uint256 indexed tokenId);
    event CodesSet(uint256 count);

    error LengthMismatch(uint256 ids, uint256 codes);

    mapping(uint256 => string) private _codes;

    constructor() Ownable(msg.sender) {}

    /// Anyone may announce reveals; one event per id.
    function reveal(uint256[] calldata ids) external {
        for (uint256 i = 0; i < ids.length; ++i) {
            emit TokenRevealed(ids[i]);
        }
    }

    function setBulkCodes(uint256[] calldata ids, string[] calldata codes) external onlyOwner {
        if (ids.length != codes.length) revert LengthMismatch(ids.length, codes.length);
        for (uint256 i = 0; i < ids.length; ++i) {
            _codes[ids[i]] = codes[i];
        }
        emit CodesSet(ids.length);
    }

    function codeOf(uint256 tokenId) external view returns (string memory) {
        return _codes[tokenId];
    }
}
