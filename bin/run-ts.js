#!/usr/bin/env node
/**
 * Runs one of the app's TypeScript entry points: `node bin/run-ts.js main.ts [args...]`.
 *
 * cdktf runs the app on every synth, so it must start fast: esbuild compiles the entry and the
 * project's own modules into one in-memory CommonJS module (dependencies stay `require`d from
 * node_modules) in about 30 ms, where a TypeScript loader spends about 250 ms more per start
 * (`npm run bench`). Nothing is type-checked here; `npm test` runs tsc.
 */
"use strict";
const { readFileSync } = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const { build } = require("esbuild");

const root = path.resolve(__dirname, "..");
const [entryArg] = process.argv.splice(2, 1);
if (!entryArg) {
  process.stderr.write("usage: node bin/run-ts.js <entry.ts> [args...]\n");
  process.exit(2);
}
const entry = path.resolve(entryArg);

/** Bundling would give every module the bundle's __dirname; keep each file's own. */
const keepDirname = {
  name: "keep-dirname",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => ({
      loader: "ts",
      contents: readFileSync(args.path, "utf8")
        .replace(/\b__dirname\b/g, JSON.stringify(path.dirname(args.path)))
        .replace(/\b__filename\b/g, JSON.stringify(args.path)),
    }));
  },
};

build({
  entryPoints: [entry],
  absWorkingDir: root,
  bundle: true,
  packages: "external",
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: "inline",
  write: false,
  logLevel: "error",
  plugins: [keepDirname],
}).then(
  ({ outputFiles }) => {
    // Stack traces of real errors point at the TypeScript sources.
    process.setSourceMapsEnabled(true);
    const app = new Module(entry, module);
    app.filename = entry;
    app.paths = Module._nodeModulePaths(path.dirname(entry));
    // The entry is the main module, as if node had run it (`require.main === module` holds).
    process.mainModule = app;
    app._compile(outputFiles[0].text, entry);
  },
  () => {
    // esbuild has printed the errors; a syntax error is a bug in this repository, not in the config.
    process.exitCode = 1;
  },
);
