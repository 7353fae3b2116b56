// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721URIStorage} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721URIStorage.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// ERC-721 test token shaped like the production contracts tokensync follows:
/// a public counter (nextTokenId), batch mints attributed to a prompt author,
/// and keeper-only batch reveals that set each token's URI.
contract PromptNFT is ERC721URIStorage, Ownable {
    /// One per batchMint call; the per-token Transfer events follow it.
    event BatchMinted(
        address indexed minter, address indexed promptAuthor, uint256 indexed startTokenId, uint256 quantity
    );
    event KeeperChanged(address indexed keeper);

    error NotKeeper(address caller);
    error ZeroQuantity();
    error LengthMismatch(uint256 ids, uint256 uris);

    // The author is stored once per batch, at its first id, and found by
    // scanning down: one storage write per batch instead of one per token keeps
    // large test mints cheap.
    struct BatchStart {
        address author;
        bool isStart;
    }

    uint256 private _nextTokenId;
    address public keeper;
    mapping(uint256 => BatchStart) private _batchStarts;

    constructor(uint256 firstTokenId) ERC721("Prompt NFT", "PNFT") Ownable(msg.sender) {
        _nextTokenId = firstTokenId;
    }

    function nextTokenId() external view returns (uint256) {
        return _nextTokenId;
    }

    function setKeeper(address newKeeper) external onlyOwner {
        keeper = newKeeper;
        emit KeeperChanged(newKeeper);
    }

    /// Mints `quantity` consecutive ids to the caller, attributed to `promptAuthor`.
    function batchMint(address promptAuthor, uint256 quantity) external returns (uint256 startTokenId) {
        if (quantity == 0) revert ZeroQuantity();
        startTokenId = _nextTokenId;
        _nextTokenId = startTokenId + quantity;
        _batchStarts[startTokenId] = BatchStart(promptAuthor, true);
        emit BatchMinted(msg.sender, promptAuthor, startTokenId, quantity);
        for (uint256 id = startTokenId; id < startTokenId + quantity; ++id) {
            _mint(msg.sender, id);
        }
    }

    function tokenPromptAuthor(uint256 tokenId) external view returns (address) {
        _requireOwned(tokenId);
        uint256 id = tokenId;
        while (!_batchStarts[id].isStart) {
            --id;
        }
        return _batchStarts[id].author;
    }

    /// Sets the revealed URI of each token; only the keeper may call it.
    function revealBatch(uint256[] calldata ids, string[] calldata uris) external {
        if (msg.sender != keeper) revert NotKeeper(msg.sender);
        if (ids.length != uris.length) revert LengthMismatch(ids.length, uris.length);
        for (uint256 i = 0; i < ids.length; ++i) {
            _requireOwned(ids[i]);
            _setTokenURI(ids[i], uris[i]);
        }
    }
}
