/**
 * `npm run summary`: a Markdown summary of the synthesized stacks for a pull-request comment.
 * Reads `cdktf.out/` (or synthesizes the current config first with --synth); needs no
 * credentials and no terraform.
 *
 *   npm run summary                                  # cdktf.out/ -> stdout
 *   npm run summary -- --synth                       # synthesize THREAT_ALERTS_CONFIG first
 *   npm run summary -- --against base.out --output summary.md
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { configPathFromEnv, ConfigError, loadConfigFile } from "../config/load";
import { buildApp } from "../stacks/app";
import { skipTokenStackTraces } from "../stacks/fast-stack-traces";
import { loadPriceTable } from "./summary/cost";
import { diffOutputs } from "./summary/diff";
import { renderSummary } from "./summary/markdown";
import { readSynthOutput, SynthOutputError } from "./summary/synth-output";

const USAGE = `usage: npm run summary -- [--out cdktf.out | --synth] [--against OLDER_CDKTF_OUT] [--output FILE] [--prices FILE]`;

function fail(message: string): never {
  process.stderr.write(`threat-alerts summary: ${message}\n`);
  process.exit(1);
}

function main(): void {
  let args;
  try {
    args = parseArgs({
      options: {
        out: { type: "string", default: "cdktf.out" },
        synth: { type: "boolean", default: false },
        against: { type: "string" },
        output: { type: "string" },
        prices: { type: "string" },
        help: { type: "boolean", default: false },
      },
    }).values;
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let outdir = args.out!;
  let cleanup = () => {};
  if (args.synth) {
    skipTokenStackTraces();
    outdir = mkdtempSync(join(tmpdir(), "threat-alerts-summary-"));
    cleanup = () => rmSync(outdir, { recursive: true, force: true });
    try {
      buildApp(loadConfigFile(configPathFromEnv()), { outdir }).synth();
    } catch (err) {
      cleanup();
      if (err instanceof ConfigError) fail(`invalid config ${err.message}`);
      throw err;
    }
  }
  try {
    const output = readSynthOutput(outdir);
    const against = args.against ? { label: args.against, diffs: diffOutputs(readSynthOutput(args.against), output) } : undefined;
    const markdown = renderSummary(output, { prices: loadPriceTable(args.prices), against });
    if (args.output) writeFileSync(args.output, markdown);
    else process.stdout.write(markdown);
  } catch (err) {
    if (err instanceof SynthOutputError) fail(err.message);
    throw err;
  } finally {
    cleanup();
  }
}

main();
