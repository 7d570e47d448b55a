#!/usr/bin/env node
/**
 * Runs one of the app's TypeScript entry points: `node bin/run-ts.js main.ts [args...]`.
 *
 * cdktf runs the app on every synth, so it must start fast: the entry and the project's modules
 * are bundled by esbuild into one file and their dependencies into another, cached on disk until
 * a source file or package-lock.json changes (bin/launch-bundle.js), and loaded with `require`:
 * two files instead of about 600 modules, which halves the start of a small synth (`npm run bench`).
 * Nothing is type-checked here; `npm test` runs tsc.
 */
"use strict";
const path = require("node:path");
const { buildCachedBundle, cachedBundle, cacheDir, mapStackTraces, CACHE_ENV } = require("./launch-bundle");

const entryArg = process.argv[2];
if (!entryArg) {
  process.stderr.write("usage: node bin/run-ts.js <entry.ts> [args...]\n");
  process.exit(2);
}
const entry = path.resolve(entryArg);
function run(bundle) {
  // As if node had run the entry: process.argv[1] is the entry, its arguments follow.
  process.argv.splice(1, 2, entry);
  // Stack traces of real errors point at the TypeScript sources.
  mapStackTraces(bundle);
  // The app caches the notifier's esbuild output there too (stacks/notifier/code-cache.ts).
  process.env[CACHE_ENV] ||= cacheDir();
  require(bundle);
}

const cached = cachedBundle(entry);
if (cached) run(cached);
else
  buildCachedBundle(entry).then(
    // Outside the promise chain: the app's errors are uncaught exceptions, not rejections.
    (bundle) => setImmediate(run, bundle),
    (err) => {
      // esbuild has printed the errors; a syntax error is a bug in this repository, not in the config.
      if (Array.isArray(err.errors) && err.errors.length > 0) process.exitCode = 1;
      else throw err;
    },
  );
