/**
 * Synthesizes the app and runs the rule pack (stacks/rules) over every stack before anything is
 * visible in the output directory: cdktf writes into a sibling staging directory, the rule pack
 * reads back exactly the JSON Terraform would get, and only a clean result is moved into the
 * output directory, file by file (like cdktf itself, it leaves other files there alone: a stack's
 * `.terraform/` or local state). A violation, or any error during synth, writes nothing there.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Config } from "../config/load";
import { buildApp } from "./app";
import { checkRules, RULES, type RuleReport } from "./rules";
import type { Finding, Rule, TerraformJson } from "./rules/rule";
import { WAIVERS, type Waiver } from "./rules/waivers";

/** cdktf's default when neither the CLI (CDKTF_OUTDIR) nor the caller names one. */
const DEFAULT_OUTDIR = "cdktf.out";

/** Non-compliant findings without a waiver: printed as the message alone, never with a stack trace. */
export class RulePackError extends Error {
  constructor(readonly violations: ReadonlyArray<{ readonly stack: string; readonly finding: Finding }>) {
    super(
      `${violations.length} rule violation${violations.length === 1 ? "" : "s"} in the synthesized stacks (nothing was written):\n${violations
        .map(({ stack, finding: f }) => `  - ${stack}: ${f.rule} ${f.address}: ${f.message}`)
        .join("\n")}`,
    );
    this.name = "RulePackError";
  }
}

export interface CheckedSynthOptions {
  /** @default `CDKTF_OUTDIR`, else `cdktf.out` */
  readonly outdir?: string;
  /** @default the whole pack */
  readonly rules?: readonly Rule[];
  /** @default WAIVERS */
  readonly waivers?: readonly Waiver[];
}

export interface CheckedSynthResult {
  readonly outdir: string;
  /** Stack name -> its rule report (waived findings keep their reasons). */
  readonly reports: Readonly<Record<string, RuleReport>>;
}

/**
 * @throws RulePackError when a stack breaks a rule; the output directory is then left as it was.
 */
export function synthChecked(config: Config, options: CheckedSynthOptions = {}): CheckedSynthResult {
  const outdir = resolve(options.outdir ?? process.env.CDKTF_OUTDIR ?? DEFAULT_OUTDIR);
  const staging = `${outdir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  // The staging dir sits beside the output dir (same file system, so files move by rename); a
  // missing parent is created, and removed again if nothing comes of the synth.
  const createdParent = createParents(dirname(outdir));
  let done = false;
  try {
    buildApp(config, { outdir: staging }).synth();
    const reports: Record<string, RuleReport> = {};
    const violations: Array<{ stack: string; finding: Finding }> = [];
    for (const stack of readdirSync(join(staging, "stacks")).sort()) {
      const tf = JSON.parse(readFileSync(join(staging, "stacks", stack, "cdk.tf.json"), "utf8")) as TerraformJson;
      const report = checkRules(tf, options.rules ?? RULES, options.waivers ?? WAIVERS);
      reports[stack] = report;
      violations.push(...report.violations.map((finding) => ({ stack, finding })));
    }
    if (violations.length > 0) throw new RulePackError(violations);
    moveTree(staging, outdir);
    done = true;
    return { outdir, reports };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    if (!done && createdParent) rmSync(createdParent, { recursive: true, force: true });
  }
}

/** Creates `dir` and its missing ancestors; returns the topmost one created, if any. */
function createParents(dir: string): string | undefined {
  let top: string | undefined;
  for (let d = dir; !existsSync(d); d = dirname(d)) top = d;
  if (top) mkdirSync(dir, { recursive: true });
  return top;
}

/** Moves every file of `from` to the same relative path under `to`, replacing files already there. */
function moveTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) moveTree(source, target);
    else renameSync(source, target);
  }
}
