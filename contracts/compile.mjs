// Compile every Solidity file in contracts/ with solc-js (the exact version pinned in
// package.json / package-lock.json) and write one artefact per contract to
// contracts/build/<ContractName>.json: abi, bytecode, deployedBytecode and how they were made.
//
// The artefacts are committed, so the Python tests deploy them without a compiler. Run
// `npm run compile` after editing a .sol file, and `npm run check` in CI to prove the
// committed artefacts are what the sources compile to.
//
//   node compile.mjs           compile and (re)write build/
//   node compile.mjs --check   compile in memory; exit 1 if build/ differs from the result
//
// Imports resolve against contracts/ first, then contracts/node_modules/, so npm packages
// such as @openzeppelin/contracts work once they are added to package.json:
//   import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import solc from "solc";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BUILD = path.join(HERE, "build");
const NODE_MODULES = path.join(HERE, "node_modules");

// EVM version the bytecode targets. Cancun (2024) runs on every current chain and on
// py-evm, the in-process EVM of web3[tester] (its default fork is Prague, a superset).
const EVM_VERSION = "cancun";
const OPTIMIZER = { enabled: true, runs: 200 };

function sha256(text) {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The Solidity files of this folder (not of its subfolders), in a stable order. */
function ownSources() {
  const sources = {};
  for (const name of readdirSync(HERE).sort()) {
    if (name.endsWith(".sol")) {
      sources[name] = { content: readFileSync(path.join(HERE, name), "utf8") };
    }
  }
  return sources;
}

/** solc's import callback: a path relative to contracts/, else an npm package path. */
function findImports(importPath) {
  for (const root of [HERE, NODE_MODULES]) {
    const candidate = path.resolve(root, importPath);
    // Never read outside the two roots, whatever a source file asks for.
    if (!candidate.startsWith(root + path.sep)) {
      continue;
    }
    if (existsSync(candidate)) {
      return { contents: readFileSync(candidate, "utf8") };
    }
  }
  return { error: `File not found in contracts/ or contracts/node_modules/: ${importPath}` };
}

function compile(sources) {
  const input = {
    language: "Solidity",
    sources,
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: OPTIMIZER,
      outputSelection: {
        "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] },
      },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const problems = output.errors ?? [];
  for (const problem of problems) {
    console.error(problem.formattedMessage ?? problem.message);
  }
  if (problems.some((problem) => problem.severity === "error")) {
    process.exit(1);
  }
  return output;
}

/** One artefact per contract declared in our own files (imported libraries get none). */
function artefacts(sources, output) {
  const result = new Map();
  for (const sourceName of Object.keys(sources)) {
    const contracts = output.contracts?.[sourceName] ?? {};
    for (const [contractName, contract] of Object.entries(contracts)) {
      const fileName = `${contractName}.json`;
      if (result.has(fileName)) {
        console.error(`Two source files declare a contract named ${contractName}; rename one.`);
        process.exit(1);
      }
      const artefact = {
        contractName,
        sourceName,
        sourceSha256: sha256(sources[sourceName].content),
        compiler: { name: "solc-js", version: solc.version(), evmVersion: EVM_VERSION, optimizer: OPTIMIZER },
        abi: contract.abi,
        // Interfaces and abstract contracts have no code: their bytecode is "0x".
        bytecode: `0x${contract.evm.bytecode.object}`,
        deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
      };
      result.set(fileName, `${JSON.stringify(artefact, null, 2)}\n`);
    }
  }
  return result;
}

function existingBuild() {
  if (!existsSync(BUILD)) {
    return new Map();
  }
  const files = new Map();
  for (const name of readdirSync(BUILD).sort()) {
    if (name.endsWith(".json")) {
      files.set(name, readFileSync(path.join(BUILD, name), "utf8"));
    }
  }
  return files;
}

function main() {
  const check = process.argv.includes("--check");
  const sources = ownSources();
  if (Object.keys(sources).length === 0) {
    console.error(`No .sol files in ${HERE}.`);
    process.exit(1);
  }
  const wanted = artefacts(sources, compile(sources));
  const current = existingBuild();

  const stale = [];
  for (const [name, text] of wanted) {
    if (current.get(name) !== text) {
      stale.push(name);
    }
  }
  const orphans = [...current.keys()].filter((name) => !wanted.has(name));

  if (check) {
    if (stale.length || orphans.length) {
      console.error(
        `contracts/build is out of date (${[...stale, ...orphans].join(", ")}): run \`npm run compile\` in contracts/.`,
      );
      process.exit(1);
    }
    console.log(`contracts/build is up to date (${wanted.size} artefacts, solc ${solc.version()}).`);
    return;
  }

  mkdirSync(BUILD, { recursive: true });
  for (const name of stale) {
    writeFileSync(path.join(BUILD, name), wanted.get(name));
  }
  // An artefact whose contract no longer exists would let a test deploy stale code.
  for (const name of orphans) {
    rmSync(path.join(BUILD, name));
  }
  for (const name of wanted.keys()) {
    console.log(`${stale.includes(name) ? "wrote    " : "unchanged"} build/${name}`);
  }
  for (const name of orphans) {
    console.log(`removed   build/${name}`);
  }
}

main();
