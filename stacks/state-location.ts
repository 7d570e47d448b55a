/**
 * Where local state lives: `state/<stack>.tfstate` beside the synth output directory (for the
 * default `cdktf.out`, the project root), never inside it. cdktf runs Terraform in
 * `cdktf.out/stacks/<stack>/` and deletes the directory of a stack that left the config, so state
 * kept there (as earlier versions did) could vanish with it. The path is relative, so the output
 * is the same on every clone; Terraform creates the directory on first write.
 */
import { existsSync, readdirSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";

export const LOCAL_STATE_DIR = "state";

/** The backend `path`, relative to the stack's working directory `<outdir>/stacks/<stack>/`. */
export function localStatePath(stackName: string): string {
  return `../../../${LOCAL_STATE_DIR}/${stackName}.tfstate`;
}

/** A state file an earlier version left in the output directory, and where it belongs now. */
export interface LegacyStateFile {
  readonly stack: string;
  readonly from: string;
  readonly to: string;
}

/**
 * State files of earlier versions (`terraform.<stack>.tfstate` and its `.backup`) inside
 * `<outdir>/stacks/*`. Paths are relative to `cwd` for the message.
 */
export function findLegacyState(outdir: string, cwd = process.cwd()): LegacyStateFile[] {
  const stacksDir = join(outdir, "stacks");
  if (!existsSync(stacksDir)) return [];
  const found: LegacyStateFile[] = [];
  for (const entry of readdirSync(stacksDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    const stack = entry.name;
    for (const suffix of ["", ".backup"]) {
      const from = join(stacksDir, stack, `terraform.${stack}.tfstate${suffix}`);
      if (!existsSync(from)) continue;
      const to = join(outdir, "..", LOCAL_STATE_DIR, `${stack}.tfstate${suffix}`);
      found.push({ stack, from: shortest(cwd, from), to: shortest(cwd, to) });
    }
  }
  return found;
}

/** Relative to cwd when inside it, else absolute: a path the user can paste. */
function shortest(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : resolve(path);
}

/** The message that stops the synth, with the commands that move the files. */
export function legacyStateMessage(files: readonly LegacyStateFile[]): string {
  const dirs = [...new Set(files.map((f) => join(f.to, "..")))];
  const stacks = [...new Set(files.map((f) => f.stack))];
  return [
    `found Terraform state inside the synth output, where synth could delete it:`,
    ...files.map((f) => `  ${f.from}`),
    `Local state now lives in ${dirs.join(", ")}/ (outside the output). Move it there, then let Terraform pick up the new path once:`,
    `  mkdir -p ${dirs.join(" ")}`,
    ...files.map((f) => `  mv ${f.from} ${f.to}`),
    ...stacks.map((s) => `  npx cdktf diff ${s} --migrate-state`),
    `Nothing was synthesized; no file was changed.`,
  ].join("\n");
}
