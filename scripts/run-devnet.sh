#!/usr/bin/env bash
# `make run`: a local anvil devnet with the example contracts, and tokensync
# on the embedded SQLite store against it: it deploys the example contracts,
# starts `tokensync run`, produces a stream of mints and transfers, then stops
# tokensync and shows what it stored.
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

step "Starting 'tokensync run' (catch-up, then live follow over the WebSocket)"
"$tokensync" --config tokensync.yaml run 2> >(sed 's/^/  [tokensync] /' >&2) &
tokensync_pid=$!
trap 'kill $tokensync_pid 2>/dev/null || true; wait $tokensync_pid 2>/dev/null || true; kill $anvil_pid 2>/dev/null || true' EXIT

send() { "$cast" send --rpc-url "$rpc" --private-key "$deployer_key" "$@" >/dev/null; }
holder=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC   # dev account 2
rounds=${ROUNDS:-10}
step "Producing mints and transfers: $rounds rounds, one every 2 s (ROUNDS=0 runs until Ctrl-C)"
round=0
while [[ $rounds -eq 0 || $round -lt $rounds ]]; do
    round=$((round + 1))
    send "$nft" 'batchMint(address,uint256)' "$author" 3
    send "$multi" 'mint(address,uint256,uint256)' "$holder" $((round % 4 + 1)) 10
    send "$multi" 'mintBatch(address,uint256[],uint256[])' "$holder" '[5,6]' '[2,3]'
    echo "  round $round: 3 NFTs minted for $author, ERC-1155 ids $((round % 4 + 1)), 5 and 6 minted to $holder"
    sleep 2
done

step "Stopping tokensync (SIGTERM: it finishes the current batch and exits 0)"
kill -TERM $tokensync_pid
wait $tokensync_pid
step "What tokensync stored (tokensync export)"
"$tokensync" --config tokensync.yaml export --contract multi --what balances --format csv
"$tokensync" --config tokensync.yaml export --contract nft --what tokens --format csv | head -8
echo
echo "on chain: nextTokenId() = $("$cast" call --rpc-url "$rpc" "$nft" 'nextTokenId()(uint256)')"
step "Done. The database stays in .devnet/tokensync.db; the devnet stops now."
