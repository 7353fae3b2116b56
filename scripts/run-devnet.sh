#!/usr/bin/env bash
# `make run`: a local anvil devnet with the example contracts, and tokensync
# on the embedded SQLite store against it. Grows with the features: today it
# checks the configuration, migrates the database, mints tokens and decodes
# their events.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-build}
[[ $build = /* ]] || build=$root/$build
tokensync=$build/src/cli/tokensync
anvil=$root/node_modules/.bin/anvil
cast=$root/node_modules/.bin/cast
port=${DEVNET_PORT:-8545}
rpc=http://127.0.0.1:$port
work=$root/.devnet
# anvil's well-known development account 0 (deployer) and account 1 (a prompt author).
deployer_key=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
author=0x70997970C51812dc3A010C7d01b50e0d17dc79C8

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);const r=process.argv[1].split(".").reduce((o,k)=>o[k],v);console.log(Array.isArray(r)?r.join(","):r)})' "$1"; }

for f in "$tokensync" "$anvil" "$cast" "$build/contracts/PromptNFT.json"; do
    [[ -e $f ]] || { echo "run-devnet: $f is missing; run 'make run' (it builds first)" >&2; exit 2; }
done
if "$cast" chain-id --rpc-url "$rpc" >/dev/null 2>&1; then
    echo "run-devnet: something already answers on $rpc; stop it or set DEVNET_PORT" >&2
    exit 2
fi

rm -rf "$work" && mkdir -p "$work"
step "Starting anvil on $rpc (log: .devnet/anvil.log)"
"$anvil" --host 127.0.0.1 --port "$port" --chain-id 31337 >"$work/anvil.log" 2>&1 &
anvil_pid=$!
trap 'kill $anvil_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do
    "$cast" chain-id --rpc-url "$rpc" >/dev/null 2>&1 && break
    kill -0 $anvil_pid 2>/dev/null || { tail -20 "$work/anvil.log" >&2; exit 2; }
    sleep 0.1
done

deploy() {  # deploy NAME [ABI-ENCODED CONSTRUCTOR ARGS]
    local bytecode
    bytecode=$(json_field bytecode.object <"$build/contracts/$1.json")
    "$cast" send --rpc-url "$rpc" --private-key "$deployer_key" --json --create "$bytecode${2:+${2#0x}}" | json_field contractAddress
}
step "Deploying the example contracts"
nft=$(deploy PromptNFT "$("$cast" abi-encode 'constructor(uint256)' 1)")
multi=$(deploy TestMultiToken)
reveal=$(deploy CodeReveal)
printf '  PromptNFT       %s\n  TestMultiToken  %s\n  CodeReveal      %s\n' "$nft" "$multi" "$reveal"

cat >"$work/tokensync.yaml" <<YAML
database: sqlite://./tokensync.db
chains:
  - name: local
    chain_id: 31337
    rpc: [$rpc]
    ws: ws://127.0.0.1:$port
contracts:
  - name: nft
    chain: local
    address: "$nft"
    start_block: 0
    abi: $build/contracts/PromptNFT.json
    modules: [token_registry, erc721]
  - name: multi
    chain: local
    address: "$multi"
    start_block: 0
    abi: $build/contracts/TestMultiToken.json
    modules: [erc1155]
  - name: reveal
    chain: local
    address: "$reveal"
    start_block: 0
    events:
      - "event TokenRevealed(uint256 indexed tokenId)"
    modules: [events]
YAML
cd "$work"
step "tokensync config check (.devnet/tokensync.yaml)"
"$tokensync" --config tokensync.yaml config check
step "tokensync migrate (SQLite: .devnet/tokensync.db)"
"$tokensync" --config tokensync.yaml migrate

step "Minting 5 tokens for prompt author $author"
"$cast" send --rpc-url "$rpc" --private-key "$deployer_key" "$nft" 'batchMint(address,uint256)' "$author" 5 >/dev/null
sig='event BatchMinted(address indexed minter, address indexed promptAuthor, uint256 indexed startTokenId, uint256 quantity)'
topic0=$("$tokensync" abi topic "$sig")
logs=$("$cast" rpc --rpc-url "$rpc" eth_getLogs "{\"address\":\"$nft\",\"fromBlock\":\"0x0\",\"topics\":[\"$topic0\"]}")
topics=$(json_field 0.topics <<<"$logs")
data=$(json_field 0.data <<<"$logs")
step "BatchMinted decoded by tokensync"
"$tokensync" abi decode-log "$sig" --topics "$topics" --data "$data"
echo
echo "nextTokenId() = $("$cast" call --rpc-url "$rpc" "$nft" 'nextTokenId()(uint256)')"
echo "tokenPromptAuthor(1) = $("$cast" call --rpc-url "$rpc" "$nft" 'tokenPromptAuthor(uint256)(address)' 1)"
step "Done. Live ingestion ('tokensync run') arrives with the engine; the devnet stops now."
