import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildSync } from "esbuild";
import { zipSync } from "fflate";
import { cachedBuild } from "./code-cache";

/** Lambda handler string for the bundle: `handler` exported from `index.js`. */
export const NOTIFIER_HANDLER = "index.handler";

export interface NotifierBundle {
  /** Content-addressed zip in the OS temp dir, for a cdktf `TerraformAsset` of type FILE. */
  readonly zipPath: string;
  /** base64 SHA-256 of the zip, the format of `source_code_hash` (`filebase64sha256`). */
  readonly sha256: string;
  readonly zipBytes: number;
  readonly bundleBytes: number;
}

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const ENTRY = path.join(REPO_ROOT, "lambda-src", "handler.ts");

/**
 * A fixed, local-time DOS timestamp: fflate encodes `mtime` with local-time getters, so a date
 * built from local fields gives the same bytes in every time zone (1980-01-01 is DOS time's epoch).
 */
const ZIP_MTIME = new Date(1980, 0, 1, 0, 0, 0);
/** Unix regular file, rw-r--r--. */
const ZIP_ATTRS = (0o100644 << 16) >>> 0;

/** esbuild → one minified CommonJS file. The Node.js 22 runtime ships AWS SDK v3, so it stays external. */
export function buildNotifierCode(): Uint8Array {
  // Under the app launcher the output is cached on disk (code-cache.ts); the build options below
  // are part of the key through this file.
  const keyFiles = [path.join(REPO_ROOT, "package-lock.json"), path.join(REPO_ROOT, "lambda-src", "tsconfig.json"), __filename];
  // One cache entry per checkout, should several share a node_modules.
  const id = `notifier-${createHash("sha256").update(REPO_ROOT).digest("hex").slice(0, 8)}`;
  return cachedBuild(id, keyFiles, esbuildNotifier);
}

function esbuildNotifier(): { code: Uint8Array; inputs: string[] } {
  const result = buildSync({
    absWorkingDir: REPO_ROOT,
    entryPoints: [ENTRY],
    outfile: "index.js",
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    external: ["@aws-sdk/*"],
    sourcemap: false,
    legalComments: "none",
    charset: "ascii",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const out = result.outputFiles.find((f) => f.path.endsWith("index.js"));
  if (!out) throw new Error("esbuild produced no index.js");
  // Absolute paths would make the zip differ per clone (and leak the build machine's layout).
  if (Buffer.from(out.contents).includes(REPO_ROOT)) throw new Error(`notifier bundle contains the absolute path ${REPO_ROOT}`);
  const inputs = Object.keys(result.metafile.inputs)
    .filter((f) => !f.split("/").includes("node_modules"))
    .map((f) => path.resolve(REPO_ROOT, f));
  return { code: out.contents, inputs };
}

/** Zips `index.js` with fixed metadata, so equal code gives equal bytes on every machine. */
export function zipNotifierCode(code: Uint8Array): Uint8Array {
  return zipSync({ "index.js": [code, { mtime: ZIP_MTIME, os: 3, attrs: ZIP_ATTRS }] }, { level: 9, mem: 8 });
}

let memo: NotifierBundle | undefined;

/**
 * Bundles and zips the notifier once per process (the app calls it for every stack) and writes
 * the zip to a fresh private temp directory as `threat-alerts-notifier-<sha256 hex>.zip` (the
 * name appears in cdktf.out, so it depends only on the content). A fresh directory, not a shared
 * name in /tmp: another user on a shared machine must not be able to plant the zip we deploy.
 */
export function bundleNotifier(): NotifierBundle {
  if (memo) return memo;
  const code = buildNotifierCode();
  const zip = zipNotifierCode(code);
  const digest = createHash("sha256").update(zip).digest();
  const dir = mkdtempSync(path.join(tmpdir(), "threat-alerts-notifier-"));
  const zipPath = path.join(dir, `threat-alerts-notifier-${digest.toString("hex")}.zip`);
  writeFileSync(zipPath, zip, { mode: 0o600 });
  // cdktf copies the asset into cdktf.out during synth; the temp copy is not needed afterwards.
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  memo = { zipPath, sha256: digest.toString("base64"), zipBytes: zip.length, bundleBytes: code.length };
  return memo;
}
