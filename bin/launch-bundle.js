/**
 * The app launcher's bundle cache (used by bin/run-ts.js).
 *
 * esbuild bundles an entry point with everything it imports, dependencies included, into one
 * CommonJS file with a linked source map, cached in `node_modules/.cache/threat-alerts/`. Node
 * then loads one file instead of about 600 (cdktf alone is 380), which halves the start of a
 * small synth (`npm run bench`). The cache key is a hash of every project file in the bundle, as
 * esbuild read it, plus package-lock.json, tsconfig.json, this file and the checkout's path: a
 * warm start reads the entry's manifest (the list of those files), hashes them and loads the
 * matching bundle; any change gives a new key and a rebuild.
 *
 * Writes are atomic (a temp file in the same directory, then rename), so two synths racing on a
 * cold cache each write the same bytes and readers only ever see whole files. Only public Node
 * APIs: the bundle is a file on disk and is loaded with `require`.
 */
"use strict";
const { createHash, randomBytes } = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
/** Set it to use another cache directory (the bench and tests use an empty one for cold starts). */
const CACHE_ENV = "THREAT_ALERTS_LAUNCH_CACHE";
const DEFAULT_CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "threat-alerts");
/** Besides the bundled project files, what decides the bundle's bytes. */
const KEY_FILES = [path.join(ROOT, "package-lock.json"), path.join(ROOT, "tsconfig.json"), __filename];
/** Bundles kept per entry point, newest first (switching branches back and forth stays warm). */
const KEEP = 4;
/**
 * Never bundled: esbuild finds its native binary relative to its own package. They are required
 * by absolute path, so the bundle works from any cache directory.
 */
const EXTERNAL = ["esbuild"];

function cacheDir(env = process.env) {
  return env[CACHE_ENV] || DEFAULT_CACHE_DIR;
}

/** A file name for the entry that tells entries apart, e.g. `main.ts-1a2b3c4d`. */
function entryId(entry) {
  const digest = createHash("sha256").update(entry).digest("hex").slice(0, 8);
  return `${path.basename(entry).replace(/[^A-Za-z0-9._-]/g, "_")}-${digest}`;
}

/** The cache key of a bundle from the contents of its project inputs, in a fixed order. */
function bundleKey(entry, inputs) {
  const hash = createHash("sha256");
  hash.update(`threat-alerts launcher\0${ROOT}\0${entry}\0`);
  for (const file of KEY_FILES) hash.update(`${file}\0`).update(fs.readFileSync(file)).update("\0");
  for (const file of [...inputs.keys()].sort()) hash.update(`${file}\0`).update(inputs.get(file)).update("\0");
  return hash.digest("hex").slice(0, 32);
}

/** The cached bundle for `entry` when every input still has the content it was built from. */
function findCached(dir, entry) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, `${entryId(entry)}.json`), "utf8"));
  } catch {
    return undefined;
  }
  const inputs = new Map();
  try {
    for (const file of manifest.inputs) inputs.set(file, fs.readFileSync(path.resolve(ROOT, file)));
  } catch {
    return undefined; // an input was deleted or renamed
  }
  const bundle = path.join(dir, `${entryId(entry)}-${bundleKey(entry, inputs)}.js`);
  return fs.existsSync(bundle) ? bundle : undefined;
}

/** Writes a file so that readers see the old file or the whole new one, never a part. */
function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Each bundled module keeps its own `__dirname` and `__filename` (bundled, they would all be the
 * bundle's): a declaration after the shebang and directive prologue, on the same line, so strict
 * mode and the source map's line numbers are unchanged. Files that declare them themselves are
 * left alone.
 */
function withOwnDirname(text, file) {
  const decls = [];
  for (const [name, value] of [
    ["__dirname", path.dirname(file)],
    ["__filename", file],
  ]) {
    if (new RegExp(`\\b${name}\\b`).test(text) && !new RegExp(`\\b(?:var|let|const)\\s+${name}\\b`).test(text))
      decls.push(`${name} = ${JSON.stringify(value)}`);
  }
  if (decls.length === 0) return text;
  const prologue = /^(?:#![^\n]*\n)?(?:\s*(?:\/\/[^\n]*|\/\*[\s\S]*?\*\/))*\s*(?:(["'])use strict\1;?)?/.exec(text)[0];
  return `${prologue}var ${decls.join(", ")};${text.slice(prologue.length)}`;
}

const LOADERS = {
  ".ts": "ts",
  ".mts": "ts",
  ".cts": "ts",
  ".tsx": "tsx",
  ".js": "js",
  ".cjs": "js",
  ".mjs": "js",
  ".jsx": "jsx",
  ".json": "json",
};

/**
 * esbuild → one CommonJS file and its source map, in memory. Returns the code, the map, and the
 * project inputs (path relative to the root → the bytes esbuild was given).
 */
async function buildBundle(entry, outfile) {
  const { build } = require("esbuild"); // plugins need the asynchronous API
  const inputs = new Map();
  const plugin = {
    name: "threat-alerts-launcher",
    setup(build) {
      build.onResolve({ filter: new RegExp(`^(?:${EXTERNAL.join("|")})$`) }, (args) => ({
        path: require.resolve(args.path, { paths: [ROOT] }),
        external: true,
      }));
      build.onLoad({ filter: /\.[cm]?[jt]sx?$|\.json$/ }, (args) => {
        const bytes = fs.readFileSync(args.path);
        const inDependency = args.path.split(path.sep).includes("node_modules");
        // Dependencies are keyed by package-lock.json; the project's files by their content.
        if (!inDependency) inputs.set(path.relative(ROOT, args.path), bytes);
        const loader = LOADERS[path.extname(args.path)];
        return { loader, contents: loader === "json" ? bytes : withOwnDirname(bytes.toString("utf8"), args.path) };
      });
    },
  };
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20", // package.json engines
    // Stack traces of real errors point at the TypeScript sources and the dependencies' files.
    sourcemap: "linked",
    sourcesContent: false,
    // Classes and functions keep their names where bundling would rename them (cdktf's and
    // constructs' messages name classes: "There is already a Construct with name 'a' in App").
    keepNames: true,
    // The entry runs as the main module, as if node had run it (`require.main === module` holds there).
    banner: { js: "require.main = module;" },
    write: false,
    logLevel: "error",
    plugins: [plugin],
  });
  const code = result.outputFiles.find((f) => f.path === outfile);
  const map = result.outputFiles.find((f) => f.path === `${outfile}.map`);
  return { code: code.text, map: map.text, inputs };
}

/** Removes all but the KEEP newest bundles of an entry (a best effort: another process may be doing the same). */
function prune(dir, id) {
  const bundles = [];
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(`${id}-`) || !name.endsWith(".js")) continue;
    try {
      bundles.push({ name, mtime: fs.statSync(path.join(dir, name)).mtimeMs });
    } catch {
      // removed meanwhile
    }
  }
  bundles.sort((a, b) => b.mtime - a.mtime);
  for (const { name } of bundles.slice(KEEP)) {
    fs.rmSync(path.join(dir, name), { force: true });
    fs.rmSync(path.join(dir, `${name}.map`), { force: true });
  }
}

/** The path of the cached, up-to-date bundle of `entry`, or undefined. */
function cachedBundle(entry, env = process.env) {
  return findCached(cacheDir(env), entry);
}

/**
 * Builds and caches the bundle of `entry` and resolves to its path. Where the cache directory
 * cannot be written, the bundle goes to a private temp directory removed at exit.
 */
async function buildCachedBundle(entry, env = process.env) {
  const dir = cacheDir(env);
  const id = entryId(entry);
  // The source map's paths are relative to the bundle's directory and the bundle names its map
  // file, so build for the final directory and name the files after the build (the key needs
  // the inputs esbuild read).
  const { code, map, inputs } = await buildBundle(entry, path.join(dir, `${id}-pending.js`));
  const name = `${id}-${bundleKey(entry, inputs)}.js`;
  const linked = code.replace(/\/\/# sourceMappingURL=[^\n]*\n?$/, `//# sourceMappingURL=${name}.map\n`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    writeAtomic(path.join(dir, `${name}.map`), map);
    writeAtomic(path.join(dir, name), linked);
    writeAtomic(path.join(dir, `${id}.json`), `${JSON.stringify({ entry, inputs: [...inputs.keys()].sort() }, null, 1)}\n`);
    prune(dir, id);
    return path.join(dir, name);
  } catch {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "threat-alerts-launch-"));
    process.once("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
    // The map's source paths are relative to the directory it was built for.
    const payload = JSON.parse(map);
    payload.sources = payload.sources.map((s) => path.relative(tmp, path.resolve(dir, s)));
    fs.writeFileSync(path.join(tmp, `${name}.map`), JSON.stringify(payload));
    fs.writeFileSync(path.join(tmp, name), linked);
    return path.join(tmp, name);
  }
}

/**
 * Stack traces of frames in the bundle show the original file and position: the TypeScript
 * sources, or a dependency's own file. Node's built-in source maps (`--enable-source-maps`) parse a
 * map when the module loads, about 150 ms for the bundle's; this reads and parses it only when a
 * stack trace is first formatted, with Node's public `SourceMap` class.
 */
function mapStackTraces(bundle) {
  const { SourceMap } = require("node:module");
  let sourceMap;
  const lookup = () => {
    if (sourceMap === undefined) {
      try {
        const payload = JSON.parse(fs.readFileSync(`${bundle}.map`, "utf8"));
        payload.sources = payload.sources.map((s) => path.resolve(path.dirname(bundle), s));
        sourceMap = new SourceMap(payload);
      } catch {
        sourceMap = null; // no map: positions in the bundle
      }
    }
    return sourceMap;
  };
  const original = (site, mapped) => {
    const text = site.toString();
    if (!mapped || site.getFileName() !== bundle) return text;
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    const entry = lookup()?.findEntry(line - 1, column - 1);
    if (!entry?.originalSource) return text;
    const at = `${bundle}:${line}:${column}`;
    const i = text.lastIndexOf(at);
    if (i < 0) return text;
    return `${text.slice(0, i)}${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1}${text.slice(i + at.length)}`;
  };
  // V8's default format: the error's string, then one "    at <call site>" line per frame.
  Error.prepareStackTrace = (error, sites) => {
    let head;
    try {
      head = Error.prototype.toString.call(error);
    } catch {
      head = "<error>";
    }
    // Only errors: cdktf captures a trace on a plain object for every token it creates, and
    // reads it only to explain a malformed token.
    const mapped = error instanceof Error;
    return [head, ...sites.map((site) => `    at ${original(site, mapped)}`)].join("\n");
  };
}

module.exports = { cachedBundle, buildCachedBundle, mapStackTraces, cacheDir, entryId, withOwnDirname, CACHE_ENV };
