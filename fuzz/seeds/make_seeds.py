#!/usr/bin/env python3
"""Writes fuzz/seeds/<target>/ from the known-answer vectors of the unit tests
and PROTOCOLS.md (Solidity ABI spec examples, RLP spec and EIP-1559 vectors,
Alchemy payloads, eth_getLogs answers, examples/glisk.yaml). Run it again
after changing a vector; the files it writes are committed."""

import json
import os
import pathlib

here = pathlib.Path(__file__).resolve().parent
root = here.parent.parent


def write(target, name, data):
    d = here / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (d / name).write_bytes(data)


def num(h):
    return bytes.fromhex(h.rjust(64, "0"))


def text(s):
    b = s.encode()
    return b + bytes(32 - len(b))


def words(*ws):
    return b"".join(ws)


TRANSFER = "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"

# ---- abi_decode_fuzz: "<type>\n" + data (the ABI spec examples, without selectors)
write("abi_decode_fuzz", "spec_baz", b"(uint32,bool)\n" + words(num("45"), num("1")))
write("abi_decode_fuzz", "spec_bar", b"(bytes3[2])\n" + words(text("abc"), text("def")))
write("abi_decode_fuzz", "spec_sam", b"(bytes,bool,uint256[])\n" + words(
    num("60"), num("1"), num("a0"), num("4"), text("dave"), num("3"), num("1"), num("2"), num("3")))
write("abi_decode_fuzz", "spec_f", b"(uint256,uint32[],bytes10,bytes)\n" + words(
    num("123"), num("80"), text("1234567890"), num("e0"), num("2"), num("456"), num("789"), num("d"),
    text("Hello, world!")))
write("abi_decode_fuzz", "spec_g", b"(uint256[][],string[])\n" + words(
    num("40"), num("140"), num("2"), num("40"), num("a0"), num("2"), num("1"), num("2"), num("1"), num("3"),
    num("3"), num("60"), num("a0"), num("e0"), num("3"), text("one"), num("3"), text("two"), num("5"),
    text("three")))
write("abi_decode_fuzz", "token_uri", b"string\n" + words(num("20"), num("8"), text("ipfs://x")))
write("abi_decode_fuzz", "signed_tuple", b"(int8,address,bool)\n" + words(bytes.fromhex("ff" * 31 + "fb"), num("aa"), num("0")))
write("abi_decode_fuzz", "owner_of", b"address\n" + num("5fbdb2315678afecb367f032d93f642f64180aa3"))
write("abi_decode_fuzz", "tuple_array", b"(uint256,string)[]\n" + words(
    num("20"), num("1"), num("20"), num("7"), num("40"), num("3"), text("abc")))

# ---- abi_log_fuzz: "<event>\n" + control byte (0x80 | topic count) + topics + data
def log(name, sig, topics, data=b""):
    control = 0x80 | len(topics)
    write("abi_log_fuzz", name, sig.encode() + b"\n" + bytes([control]) + b"".join(topics) + data)


ZERO = bytes(32)
log("erc721_transfer", "event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)",
    [bytes.fromhex(TRANSFER), num("0"), num("a1"), num("7")])
log("erc20_transfer", "event Transfer(address indexed from, address indexed to, uint256 value)",
    [bytes.fromhex(TRANSFER), num("a1"), num("b0b")], num("3e8"))
log("transfer_single",
    "event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value)",
    [ZERO, num("a1"), num("0"), num("b0b")], words(num("7"), num("2")))
log("transfer_batch",
    "event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values)",
    [ZERO, num("a1"), num("0"), num("b0b")],
    words(num("40"), num("a0"), num("2"), num("1"), num("2"), num("2"), num("5"), num("6")))
log("uri", "event URI(string value, uint256 indexed id)", [ZERO, num("7")], words(num("20"), num("8"), text("ipfs://x")))
log("batch_minted",
    "event BatchMinted(address indexed minter, address indexed promptAuthor, uint256 indexed startTokenId, uint256 quantity)",
    [ZERO, num("a1"), num("b0b"), num("1")], num("5"))
log("approval_for_all", "event ApprovalForAll(address indexed owner, address indexed operator, bool approved)",
    [ZERO, num("a1"), num("b0b")], num("1"))
log("indexed_string", "event Named(string indexed name, int8 delta)", [ZERO, bytes(range(32))],
    bytes.fromhex("ff" * 32))
write("abi_log_fuzz", "anonymous",
      b"event Anon(uint256 indexed a, bytes b) anonymous\n" + bytes([1]) + num("7") + words(num("20"), num("2"),
                                                                                          text("hi")))

# ---- abi_signature_fuzz: types, signatures, ABI JSON and artifacts
sigs = [
    "Transfer(address,address,uint256)", "TransferBatch(address,address,address,uint256[],uint256[])",
    "URI(string,uint256)", "BatchMetadataUpdate(uint256,uint256)",
    "event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)",
    "event E(uint256) anonymous", "function tokenPromptAuthor(uint256) view returns (address)",
    "function balanceOfBatch(address[] owners, uint256[] ids) view returns (uint256[])",
    "transfer(address,uint256)", "(uint256,string)[]", "tuple(uint8 a, bool b)", "address[2][]", "bytes32",
]
for i, s in enumerate(sigs):
    write("abi_signature_fuzz", f"sig_{i:02d}", s)
erc721_abi = [
    {"type": "event", "name": "Transfer", "anonymous": False, "inputs": [
        {"name": "from", "type": "address", "indexed": True}, {"name": "to", "type": "address", "indexed": True},
        {"name": "tokenId", "type": "uint256", "indexed": True}]},
    {"type": "function", "name": "ownerOf", "stateMutability": "view",
     "inputs": [{"name": "id", "type": "uint256"}], "outputs": [{"name": "", "type": "address"}]},
    {"type": "function", "name": "f", "stateMutability": "nonpayable", "inputs": [
        {"name": "p", "type": "tuple[]", "components": [{"name": "a", "type": "uint8"}, {"name": "b", "type": "string"}]}],
     "outputs": []},
    {"type": "constructor", "inputs": []},
]
write("abi_signature_fuzz", "bare_abi", json.dumps(erc721_abi))
write("abi_signature_fuzz", "foundry_artifact", json.dumps({"abi": erc721_abi, "bytecode": {"object": "0x6080604052"}}))
write("abi_signature_fuzz", "hardhat_artifact", json.dumps({"abi": erc721_abi, "bytecode": "0x6080604052"}))

# ---- rlp_fuzz: the RLP specification's examples and the EIP-1559 vector of PROTOCOLS.md §3
lorem = b"Lorem ipsum dolor sit amet, consectetur adipisicing elit"
rlp = {
    "dog": "83646f67", "empty_string": "80", "zero_byte": "00", "byte_0f": "0f", "byte_7f": "7f",
    "byte_80": "8180", "int_1024": "820400", "cat_dog": "c88363617483646f67", "empty_list": "c0",
    "set_theory": "c7c0c1c0c3c0c1c0", "lorem": "b838" + lorem.hex(), "lorem_list": "f83ab838" + lorem.hex(),
    "uint256_max": "a0" + "ff" * 32,
    "eip1559_payload": "f870821e8e8203338301284d8301d97c828ae094000000000000000000000000000000000000aaaa8402933bc980"
                       "c080a0d067f2167008c59219652f91cbf8788dbca5f771f6e91e2b7657e85b78b472e0a01d305af9fe81fdba43f0d"
                       "fcd400ed24dcace0a7e30d4e85701dcaaf484cd079e",
}
for name, h in rlp.items():
    write("rlp_fuzz", name, bytes.fromhex(h))

# ---- evm_types_fuzz: eth_getLogs / eth_getBlockByNumber results
H = lambda n: "0x" + format(n, "064x")
a_log = {"address": "0x5fbdb2315678afecb367f032d93f642f64180aa3",
         "topics": ["0x" + TRANSFER, H(0), H(0xa1), H(7)], "data": "0x",
         "blockNumber": "0xdf34a3", "transactionHash": "0x8a17" + "0" * 59 + "1",
         "transactionIndex": "0x3", "blockHash": H(0x1111), "logIndex": "0x2a", "removed": False}
block = {"number": "0x10", "hash": H(0x16), "parentHash": H(0x15), "timestamp": "0x65af6f2b",
         "transactions": [], "miner": "0x" + "0" * 40}
write("evm_types_fuzz", "log", json.dumps(a_log))
write("evm_types_fuzz", "logs", json.dumps([a_log, dict(a_log, logIndex="0x2b", data="0x" + "00" * 31 + "05")]))
write("evm_types_fuzz", "block", json.dumps(block))
# anvil's logsBloom of the block holding a_log's address with the Transfer topic.
bloom = bytearray(256)
for bit in (481, 486, 801, 1060, 1254, 1443):
    bloom[255 - bit // 8] |= 1 << (bit % 8)
write("evm_types_fuzz", "block_bloom", json.dumps(dict(block, logsBloom="0x" + bloom.hex())))
write("evm_types_fuzz", "quantity", '"0x1f"')
write("evm_types_fuzz", "quantity_max", '"0xffffffffffffffff"')

# ---- json_rpc_fuzz: batch size byte, first id byte, then the answer
def rpc(name, count, first_id, body):
    write("json_rpc_fuzz", name, bytes([count, first_id]) + (body if isinstance(body, str) else json.dumps(body)).encode())


rpc("single_result", 1, 1, {"jsonrpc": "2.0", "id": 1, "result": "0x10"})
rpc("single_error", 1, 1, {"jsonrpc": "2.0", "id": 1, "error": {"code": 3, "message": "execution reverted",
                                                              "data": "0x08c379a0"}})
rpc("null_id_error", 1, 7, {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "Parse error"}})
rpc("get_logs", 1, 5, {"jsonrpc": "2.0", "id": 5, "result": [a_log]})
rpc("get_block", 1, 9, {"jsonrpc": "2.0", "id": 9, "result": block})
rpc("batch_out_of_order", 3, 10, [{"jsonrpc": "2.0", "id": 12, "result": "0x1"},
                                  {"jsonrpc": "2.0", "id": 10, "result": [a_log]},
                                  {"jsonrpc": "2.0", "id": 11, "error": {"code": -32000, "message": "header not found"}}])
rpc("batch_missing_and_duplicate", 3, 0, [{"jsonrpc": "2.0", "id": 0, "result": "0x1"},
                                          {"jsonrpc": "2.0", "id": 0, "result": "0x2"},
                                          {"jsonrpc": "2.0", "id": 99, "result": "0x3"}])
rpc("batch_whole_error", 4, 1, {"jsonrpc": "2.0", "id": None, "error": {"code": 429, "message": "rate limited"}})
rpc("batch_near_max_id", 2, 0x81, [{"jsonrpc": "2.0", "id": 18446744073709551614, "result": "0x1"},
                                   {"jsonrpc": "2.0", "id": 18446744073709551615, "result": "0x2"}])

# ---- webhook_fuzz: the payloads of PROTOCOLS.md §4 / alchemy_webhook_test.cpp
def custom_log(index):
    return {"data": "0x", "topics": ["0x" + TRANSFER, H(0), H(0xa1), H(7)], "index": index,
            "account": {"address": "0x5FbDB2315678afecb367f032d93F642f64180aa3"},
            "transaction": {"hash": "0x8a17" + "0" * 59 + "1", "nonce": 12, "index": 3,
                            "from": {"address": "0x00000000000000000000000000000000000000a1"},
                            "to": {"address": "0x5fbdb2315678afecb367f032d93f642f64180aa3"}, "status": 1}}


def custom(logs):
    return {"webhookId": "wh_a55wfsvq5h8n8u3z", "id": "whevt_rsdblc6zxi8a6ntl",
            "createdAt": "2024-01-23T07:51:07.945953790Z", "type": "GRAPHQL",
            "event": {"data": {"block": {"hash": H(0x1111), "number": 19123456, "timestamp": 1705996267,
                                         "logs": logs}},
                      "sequenceNumber": "10000000000578619000", "network": "ETH_MAINNET"}}


write("webhook_fuzz", "custom_two_logs", json.dumps(custom([custom_log(42), custom_log(43)])))
write("webhook_fuzz", "custom_empty_block", json.dumps(custom([])))
write("webhook_fuzz", "address_activity", json.dumps({
    "webhookId": "wh_1", "id": "whevt_2", "createdAt": "2024-01-01T00:00:00Z", "type": "ADDRESS_ACTIVITY",
    "event": {"network": "BASE_SEPOLIA", "activity": [
        {"blockNum": "0xdf34a3", "hash": a_log["transactionHash"], "fromAddress": "0x0", "toAddress": "0x1",
         "value": 0.5, "asset": "ETH", "category": "external"},
        {"blockNum": "0xdf34a3", "hash": a_log["transactionHash"], "category": "erc721", "erc721TokenId": "0x7",
         "log": dict(a_log, removed=True)}]}}))

# ---- config_fuzz: examples/glisk.yaml and the shapes of config_test.cpp
write("config_fuzz", "glisk", (root / "examples" / "glisk.yaml").read_text())
chains = "chains:\n  - name: local\n    chain_id: 31337\n    rpc: [http://127.0.0.1:8545]\n"
write("config_fuzz", "minimal", chains)
write("config_fuzz", "contract_abi_file", chains + "contracts:\n  - name: nft\n    chain: local\n"
      "    address: \"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\"\n    abi: erc721.json\n"
      "    modules: [token_registry, erc721, events]\n")
write("config_fuzz", "full", "database: postgres://indexer:${DB_PASSWORD}@localhost/tokensync\n"
      "chains:\n  - name: base\n    network: ${NETWORK}\n    alchemy_api_key: ${ALCHEMY_API_KEY}\n"
      "    ws: wss://base-sepolia.g.alchemy.com/v2/${RPC_KEY}\n    finality_depth: 12\n"
      "contracts:\n  - name: nft\n    chain: base\n    address: ${CONTRACT}\n    start_block: 100\n"
      "    events: [\"event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)\"]\n"
      "    modules: [erc721]\n"
      "sync:\n  workers: 2\n  max_span: 500\n"
      "recovery:\n  contract: nft\n  first_token_id: 1\n  default_author: ${CONTRACT}\n  multicall: off\n"
      "server:\n  port: 8080\n  admin_token: ${RPC_KEY}\n"
      "webhooks:\n  alchemy:\n    signing_key: whsec_${RPC_KEY}\n")
# The keeper key of core/secp256k1_test.cpp (anvil's first account), inline and from a file.
write("config_fuzz", "keeper", chains + "keeper:\n  chain: local\n"
      "  private_key: \"0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\"\n")
write("config_fuzz", "keeper_file", chains + "keeper:\n  chain: local\n  private_key_file: keeper.key\n")
