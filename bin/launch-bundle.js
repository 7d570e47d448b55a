/**
 * The app launcher's bundles and their disk cache (used by bin/run-ts.js).
 *
 * esbuild bundles an entry point into two CommonJS files with linked source maps, cached in
 * `node_modules/.cache/threat-alerts/`:
 * - the vendor bundle: every package the entry imports (cdktf, constructs, the provider classes,
 *   zod, yaml, ...), about 600 modules that Node would otherwise find and load one by one. It is
 *   keyed by package-lock.json and the list of imported packages, so it is rebuilt (1-2 s) only
 *   when dependencies change or a new package or provider class is imported.
 * - the project bundle: the entry and the project's own modules (tens of ms to build), keyed by
 *   their contents; each package import becomes a property of the vendor bundle's exports.
 * A warm start reads the entry's manifest (the list of its project files), hashes those files,
 * package-lock.json and tsconfig.json, and loads the matching bundle with `require`; any change
 * gives a new key and a rebuild. That halves the start of a small synth (`npm run bench`).
 *
 * Writes are atomic (a temp file in the same directory, then rename), so synths racing on a cold
 * cache each write the same bytes and readers only ever see whole files. Only public Node APIs:
 * the bundles are files on disk loaded with `require`.
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
const LOCKFILE = path.join(ROOT, "package-lock.json");
/** Besides the bundled project files and their tsconfig.json files, what decides the project bundle's bytes. */
const KEY_FILES = [LOCKFILE, __filename];
/** Bundles kept per entry point, newest first (switching branches back and forth stays warm). */
const KEEP = 4;
/**
 * Never bundled: esbuild finds its native binary relative to its own package. The vendor bundle
 * requires it by absolute path, so the bundles work from any cache directory.
 */
const EXTERNAL = ["esbuild"];
/** Stands for the vendor bundle's path in the project bundle until the vendor is named. */
const VENDOR_PLACEHOLDER = "threat-alerts-launcher:vendor";

function cacheDir(env = process.env) {
  return env[CACHE_ENV] || DEFAULT_CACHE_DIR;
}

/** A file name for the entry that tells entries apart, e.g. `main.ts-1a2b3c4d`. */
function entryId(entry) {
  const digest = createHash("sha256").update(entry).digest("hex").slice(0, 8);
  return `${path.basename(entry).replace(/[^A-Za-z0-9._-]/g, "_")}-${digest}`;
}

/** The cache key of a project bundle: its vendor bundle and the contents of its inputs, in a fixed order. */
function bundleKey(entry, vendor, inputs) {
  const hash = createHash("sha256");
  hash.update(`threat-alerts launcher\0${ROOT}\0${entry}\0${vendor}\0`);
  for (const file of [...KEY_FILES, ...tsconfigs(inputs.keys())]) hash.update(`${file}\0`).update(fs.readFileSync(file)).update("\0");
  for (const file of [...inputs.keys()].sort()) hash.update(`${file}\0`).update(inputs.get(file)).update("\0");
  return hash.digest("hex").slice(0, 32);
}

/** The tsconfig.json files esbuild may read for these inputs: in their directories and above, up to the root. */
function tsconfigs(inputs) {
  const dirs = new Set();
  for (const file of inputs) {
    let dir = path.dirname(path.resolve(ROOT, file));
    while (!dirs.has(dir)) {
      dirs.add(dir);
      const parent = path.dirname(dir);
      if (dir === ROOT || parent === dir || !dir.startsWith(ROOT)) break;
      dir = parent;
    }
  }
  return [...dirs]
    .sort()
    .map((d) => path.join(d, "tsconfig.json"))
    .filter((f) => fs.existsSync(f));
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
  const bundle = path.join(dir, `${entryId(entry)}-${bundleKey(entry, manifest.vendor, inputs)}.js`);
  return fs.existsSync(bundle) && fs.existsSync(path.join(dir, manifest.vendor)) ? bundle : undefined;
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

/** esbuild's loader for a file, and its text with its own `__dirname`. */
function load(file) {
  const bytes = fs.readFileSync(file);
  const loader = LOADERS[path.extname(file)];
  return { bytes, result: { loader, contents: loader === "json" ? bytes : withOwnDirname(bytes.toString("utf8"), file) } };
}

const COMMON = {
  absWorkingDir: ROOT,
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
  write: false,
  logLevel: "error",
};

/**
 * The project bundle, in memory: the entry and the project's modules; every package import
 * (`cdktf`, `@cdktf/provider-aws/lib/sns-topic`) reads the vendor bundle's export of that name.
 * Returns the code, its map, the project inputs (path relative to the root -> the bytes esbuild
 * was given) and the package names imported.
 */
async function buildProject(entry, outfile) {
  const { build } = require("esbuild"); // plugins need the asynchronous API
  const { isBuiltin } = require("node:module");
  const inputs = new Map();
  const packages = new Set();
  const plugin = {
    name: "threat-alerts-project",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path === VENDOR_PLACEHOLDER) return { path: args.path, external: true };
        if (isBuiltin(args.path)) return undefined;
        packages.add(args.path);
        return { path: args.path, namespace: "vendor" };
      });
      b.onLoad({ filter: /.*/, namespace: "vendor" }, (args) => ({
        loader: "js",
        contents: `module.exports = require(${JSON.stringify(VENDOR_PLACEHOLDER)})[${JSON.stringify(args.path)}];`,
      }));
      b.onLoad({ filter: /\.[cm]?[jt]sx?$|\.json$/ }, (args) => {
        const { bytes, result } = load(args.path);
        inputs.set(path.relative(ROOT, args.path), bytes);
        return result;
      });
    },
  };
  const result = await build({
    ...COMMON,
    entryPoints: [entry],
    outfile,
    // Strict, as the TypeScript modules are; the entry runs as the main module, as if node had run
    // it (`require.main === module` holds there).
    banner: { js: '"use strict";\nrequire.main = module;' },
    plugins: [plugin],
  });
  const code = result.outputFiles.find((f) => f.path === outfile);
  const map = result.outputFiles.find((f) => f.path === `${outfile}.map`);
  return { code: code.text, map: map.text, inputs, packages: [...packages].sort() };
}

/** The vendor bundle's file name: it depends on the lockfile and the packages it exports. */
function vendorName(id, packages) {
  const hash = createHash("sha256");
  hash.update(`threat-alerts vendor\0${ROOT}\0`).update(fs.readFileSync(__filename)).update(fs.readFileSync(LOCKFILE));
  for (const p of packages) hash.update(`\0${p}`);
  return `${id}-vendor-${hash.digest("hex").slice(0, 32)}.js`;
}

/**
 * `keepNames` follows every named function with `__name(f, "f")`, also where the name is already
 * right, and cdktf declares functions inside hot ones (`makeContext` in `resolve`): about 0.3 s of
 * a 170-stack synth. Those statements change nothing, so they go; the ones that restore a renamed
 * function's or class's name stay. Removing whole statements keeps every line where it was, so the
 * source map still fits.
 */
function withoutRedundantNames(code) {
  return code.replace(/\b__name\(([A-Za-z_$][\w$]*), "\1"\);/g, "");
}

/**
 * Writes the vendor bundle: an object with one getter per package, so a package loads when the
 * project first uses it (as `require` would), and each package is in the bundle once.
 */
async function writeVendor(file, packages) {
  const { build } = require("esbuild");
  const plugin = {
    name: "threat-alerts-vendor",
    setup(b) {
      b.onResolve({ filter: new RegExp(`^(?:${EXTERNAL.join("|")})$`) }, (args) => ({
        path: require.resolve(args.path, { paths: [ROOT] }),
        external: true,
      }));
      b.onLoad({ filter: /\.[cm]?[jt]sx?$|\.json$/ }, (args) => load(args.path).result);
    },
  };
  const getters = packages.map((p) => `  get ${JSON.stringify(p)}() { return require(${JSON.stringify(p)}); },`);
  const result = await build({
    ...COMMON,
    stdin: { contents: `module.exports = {\n${getters.join("\n")}\n};\n`, resolveDir: ROOT, sourcefile: "vendor.js", loader: "js" },
    outfile: file,
    plugins: [plugin],
  });
  writeAtomic(`${file}.map`, result.outputFiles.find((f) => f.path === `${file}.map`).text);
  writeAtomic(file, withoutRedundantNames(result.outputFiles.find((f) => f.path === file).text));
}

/**
 * Removes all but the KEEP newest project bundles (or vendor bundles) of an entry. A best effort:
 * another process may be doing the same; a bundle whose vendor is gone is rebuilt.
 */
function prune(dir, prefix) {
  const bundles = [];
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith(".js") || name.startsWith(`${prefix}vendor-`)) continue;
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
 * Builds and caches the bundles of `entry` and resolves to the project bundle's path. Where the
 * cache directory cannot be written, the bundles go to a private temp directory removed at exit.
 */
async function buildCachedBundle(entry, env = process.env) {
  let dir = cacheDir(env);
  const id = entryId(entry);
  // The source map's paths are relative to the bundle's directory and the bundle names its map
  // file, so build for the final directory and name the files after the build (the key needs
  // the inputs esbuild read).
  const project = await buildProject(entry, path.join(dir, `${id}-pending.js`));
  const vendor = vendorName(id, project.packages);
  const name = `${id}-${bundleKey(entry, vendor, project.inputs)}.js`;
  let map = project.map;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "threat-alerts-launch-"));
    process.once("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
    // The map's source paths are relative to the directory it was built for.
    const payload = JSON.parse(map);
    payload.sources = payload.sources.map((s) => path.relative(tmp, path.resolve(dir, s)));
    map = JSON.stringify(payload);
    dir = tmp;
  }
  if (!fs.existsSync(path.join(dir, vendor))) await writeVendor(path.join(dir, vendor), project.packages);
  const code = withoutRedundantNames(project.code)
    .replace(/\/\/# sourceMappingURL=[^\n]*\n?$/, `//# sourceMappingURL=${name}.map\n`)
    .split(JSON.stringify(VENDOR_PLACEHOLDER))
    .join(JSON.stringify(path.join(dir, vendor)));
  writeAtomic(path.join(dir, `${name}.map`), map);
  writeAtomic(path.join(dir, name), code);
  writeAtomic(path.join(dir, `${id}.json`), `${JSON.stringify({ entry, vendor, inputs: [...project.inputs.keys()].sort() }, null, 1)}\n`);
  prune(dir, `${id}-`);
  prune(dir, `${id}-vendor-`);
  return path.join(dir, name);
}

/**
 * Stack traces of frames in the bundles show the original file and position: the TypeScript
 * sources, or a dependency's own file. Node's built-in source maps (`--enable-source-maps`) parse a
 * map when the module loads, about 150 ms for the vendor bundle's; this reads and parses a map only
 * when a stack trace with a frame in its bundle is first formatted, with Node's public `SourceMap`.
 */
function mapStackTraces(bundle) {
  const { SourceMap } = require("node:module");
  const dir = path.dirname(bundle);
  /** Bundle file -> its parsed map, or null without one. */
  const maps = new Map();
  const lookup = (file) => {
    if (!maps.has(file)) {
      try {
        const payload = JSON.parse(fs.readFileSync(`${file}.map`, "utf8"));
        payload.sources = payload.sources.map((s) => path.resolve(dir, s));
        maps.set(file, new SourceMap(payload));
      } catch {
        maps.set(file, null); // no map: positions in the bundle
      }
    }
    return maps.get(file);
  };
  const original = (site) => {
    const text = site.toString();
    const file = site.getFileName();
    if (!file || path.dirname(file) !== dir || !file.endsWith(".js")) return text;
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    const entry = lookup(file)?.findEntry(line - 1, column - 1);
    if (!entry?.originalSource) return text;
    const at = `${file}:${line}:${column}`;
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
    const lines = error instanceof Error ? sites.map(original) : sites.map(String);
    return [head, ...lines.map((l) => `    at ${l}`)].join("\n");
  };
}

module.exports = { cachedBundle, buildCachedBundle, mapStackTraces, cacheDir, entryId, withOwnDirname, CACHE_ENV };
