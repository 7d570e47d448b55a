/**
 * A disk cache for the notifier's esbuild output, used under the app launcher only (bin/run-ts.js
 * sets THREAT_ALERTS_LAUNCH_CACHE for the app it runs). esbuild runs as a child process on every
 * synth: about 0.1 s of CPU and several times that in wall time on a busy machine. The key hashes
 * the bundled project files, package-lock.json (the bundled dependencies and esbuild's version)
 * and `keyFiles` (the build options). Without the variable (jest, tsx) nothing is cached, so the
 * tests keep building with esbuild.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export const CACHE_ENV = "THREAT_ALERTS_LAUNCH_CACHE";
const KEEP = 4;

export interface Built {
  readonly code: Uint8Array;
  /** Absolute paths of the project files esbuild read (dependencies are keyed by package-lock.json). */
  readonly inputs: readonly string[];
}

function keyOf(keyFiles: readonly string[], inputs: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of [...keyFiles, ...[...inputs].sort()]) hash.update(`${file}\0`).update(readFileSync(file)).update("\0");
  return hash.digest("hex").slice(0, 32);
}

function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** The cached code for `id` when its inputs are unchanged; else `build()`, cached when it can be. */
export function cachedBuild(id: string, keyFiles: readonly string[], build: () => Built, env: NodeJS.ProcessEnv = process.env): Uint8Array {
  const dir = env[CACHE_ENV];
  if (!dir) return build().code;
  const manifest = path.join(dir, `${id}.json`);
  try {
    const { inputs } = JSON.parse(readFileSync(manifest, "utf8")) as { inputs: string[] };
    return readFileSync(path.join(dir, `${id}-${keyOf(keyFiles, inputs)}.js`));
  } catch {
    // No manifest, an input gone, or no bundle for these contents: build.
  }
  const started = Date.now();
  const built = build();
  try {
    // A file edited while esbuild ran may differ from what it bundled: cache only stable inputs.
    if (built.inputs.every((f) => statSync(f).mtimeMs < started)) {
      const name = `${id}-${keyOf(keyFiles, built.inputs)}.js`;
      mkdirSync(dir, { recursive: true });
      writeAtomic(path.join(dir, name), built.code);
      writeAtomic(manifest, `${JSON.stringify({ inputs: [...built.inputs].sort() }, null, 1)}\n`);
      const old = readdirSync(dir)
        .filter((f) => f.startsWith(`${id}-`) && f.endsWith(".js"))
        .map((f) => ({ f, t: statSync(path.join(dir, f)).mtimeMs }))
        .sort((a, b) => b.t - a.t)
        .slice(KEEP);
      for (const { f } of old) rmSync(path.join(dir, f), { force: true });
    }
  } catch {
    // The cache is an optimization: an unwritable directory only means building next time too.
  }
  return built.code;
}
