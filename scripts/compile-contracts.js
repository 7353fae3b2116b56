#!/usr/bin/env node
// Compiles the Solidity sources in contracts/ with the solc-js wasm compiler
// pinned in node_modules (never a downloaded one: the build must work
// offline and give the same bytecode everywhere) and writes one Foundry-style
// artifact per contract: {"abi", "bytecode": {"object"}, "deployedBytecode": {"object"}}.
//
// usage: node scripts/compile-contracts.js <contracts dir> <output dir>
'use strict';

const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..');
const nodeModules = path.join(repoRoot, 'node_modules');
const solc = require(path.join(nodeModules, 'solc'));

function fail(message) {
    process.stderr.write(`compile-contracts: ${message}\n`);
    process.exit(1);
}

if (process.argv.length !== 4) fail('usage: compile-contracts.js <contracts dir> <output dir>');
const sourceDir = path.resolve(process.argv[2]);
const outDir = path.resolve(process.argv[3]);

const sourceFiles = fs.readdirSync(sourceDir).filter((f) => f.endsWith('.sol')).sort();
if (sourceFiles.length === 0) fail(`no .sol files in ${sourceDir}`);

const sources = {};
for (const file of sourceFiles) {
    sources[file] = { content: fs.readFileSync(path.join(sourceDir, file), 'utf8') };
}

// Only package imports are resolved, and only from the pinned node_modules.
function findImports(importPath) {
    if (!importPath.startsWith('@openzeppelin/')) return { error: `import not allowed: ${importPath}` };
    const file = path.join(nodeModules, importPath);
    if (!fs.existsSync(file)) return { error: `not found: ${file}` };
    return { contents: fs.readFileSync(file, 'utf8') };
}

const input = {
    language: 'Solidity',
    sources,
    settings: {
        evmVersion: 'cancun',
        optimizer: { enabled: true, runs: 200 },
        outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
};

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));

const errors = (output.errors || []).filter((e) => e.severity === 'error');
for (const e of output.errors || []) process.stderr.write(`${e.formattedMessage || e.message}\n`);
if (errors.length > 0) fail(`${errors.length} compiler error(s)`);

fs.mkdirSync(outDir, { recursive: true });
let written = 0;
for (const file of sourceFiles) {
    const contracts = (output.contracts || {})[file] || {};
    for (const [name, c] of Object.entries(contracts)) {
        const bytecode = c.evm.bytecode.object;
        if (!bytecode) continue; // interfaces and abstract contracts have no code
        const artifact = {
            abi: c.abi,
            bytecode: { object: `0x${bytecode}` },
            deployedBytecode: { object: `0x${c.evm.deployedBytecode.object}` },
        };
        // Write then rename, so a reader never sees half a file.
        const target = path.join(outDir, `${name}.json`);
        fs.writeFileSync(`${target}.tmp`, JSON.stringify(artifact));
        fs.renameSync(`${target}.tmp`, target);
        written += 1;
    }
}
if (written === 0) fail('no deployable contracts in the output');
process.stdout.write(`compile-contracts: ${written} artifact(s) in ${outDir} (solc ${solc.version()})\n`);
