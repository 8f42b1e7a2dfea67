#!/usr/bin/env node
// Writes the built-in list of common and leaked passwords that the password policy refuses
// (src/auth/password_policy.cpp, BreachedPasswords::AddBuiltIn).
//
// Usage: node scripts/password-list.mjs OUTPUT_FILE
//
// Source: the `passwords` dictionary of the npm package @zxcvbn-ts/language-common (MIT), a
// devDependency of web/ installed by scripts/setup.sh; its src/passwords.json is a plain JSON
// array of the most frequent passwords of public breach corpora, most frequent first.
// Output: one password per line, lower-cased (the policy compares lower-cased), deduplicated,
// entries of at least 6 code points, in the package's order. Node 20, no dependencies.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@zxcvbn-ts/language-common';
const MIN_CODE_POINTS = 6;
// The package's list holds about 49,000 entries; far fewer means a broken or changed package.
const MIN_EXPECTED_ENTRIES = 10000;

function fail(message) {
  console.error(`password-list: ${message}`);
  process.exit(1);
}

const output = process.argv[2];
if (!output) fail('usage: node scripts/password-list.mjs OUTPUT_FILE');

const webRoot = join(dirname(fileURLToPath(import.meta.url)), '..', 'web');
const require = createRequire(join(webRoot, 'package.json'));
let packageJson;
try {
  packageJson = require.resolve(`${PACKAGE}/package.json`);
} catch {
  fail(`the npm package ${PACKAGE} is not installed in web/node_modules: run scripts/setup.sh`);
}

const listPath = join(dirname(packageJson), 'src', 'passwords.json');
let entries;
try {
  entries = JSON.parse(readFileSync(listPath, 'utf8'));
} catch (error) {
  fail(`cannot read ${listPath} (${error.message}): run scripts/setup.sh`);
}
if (!Array.isArray(entries) || !entries.every((entry) => typeof entry === 'string')) {
  fail(`${listPath} is not a JSON array of strings; has ${PACKAGE} changed its layout?`);
}

const seen = new Set();
const lines = [];
for (const entry of entries) {
  // A line break inside an entry would split it in two in the line-based output.
  const password = entry.toLowerCase();
  if (/[\r\n]/.test(password) || [...password].length < MIN_CODE_POINTS) continue;
  if (seen.has(password)) continue;
  seen.add(password);
  lines.push(password);
}
if (lines.length < MIN_EXPECTED_ENTRIES) {
  fail(`only ${lines.length} passwords in ${listPath}; expected at least ${MIN_EXPECTED_ENTRIES}`);
}

mkdirSync(dirname(resolve(output)), { recursive: true });
writeFileSync(output, lines.join('\n') + '\n');
console.log(`password-list: ${lines.length} passwords from ${PACKAGE} -> ${output}`);
