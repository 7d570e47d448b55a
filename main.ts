/**
 * Entry point of `cdktf synth`: load and validate the config, build one stack per account, synth
 * and check every stack against the rule pack (stacks/checked-synth.ts). A config mistake or a
 * rule violation prints its problems and exits 1, and nothing is written.
 *
 * What is not an error goes to stdout: cdktf prints every line an app writes to stderr as an
 * `[ERROR]`, and repeats the app's output in its failure summary.
 */
import { resolve } from "node:path";
import { configPathFromEnv, ConfigError, describeConfigSource, loadConfigFile } from "./config/load";
import { describeAlertSources } from "./stacks/alert-sources";
import { RulePackError, synthChecked, type CheckedSynthOptions } from "./stacks/checked-synth";
import { skippedPlanNotes } from "./stacks/guardduty-plan-notes";
import { skipTokenStackTraces } from "./stacks/fast-stack-traces";
import { findLegacyState, legacyStateMessage } from "./stacks/state-location";

/** @param options the rule pack and waivers (tests swap them); the output dir comes from CDKTF_OUTDIR. */
export function main(options: Pick<CheckedSynthOptions, "rules" | "waivers"> = {}): void {
  skipTokenStackTraces();
  const file = configPathFromEnv();
  process.stdout.write(`threat-alerts: ${describeConfigSource(file)}\n`);
  try {
    const config = loadConfigFile(file);
    for (const w of config.warnings) process.stdout.write(`threat-alerts: warning: ${w}\n`);
    for (const line of describeAlertSources(config)) process.stdout.write(`threat-alerts: ${line}\n`);
    for (const n of skippedPlanNotes(config)) process.stdout.write(`threat-alerts: note: ${n}\n`);
    // Before synth: cdktf deletes the output directory of a stack that left the config.
    const legacy = findLegacyState(process.env.CDKTF_OUTDIR || "cdktf.out");
    if (legacy.length > 0) {
      process.stderr.write(`threat-alerts: ${legacyStateMessage(legacy)}\n`);
      process.exit(1);
    }
    synthChecked(config, options);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`threat-alerts: invalid config ${err.message}\n`);
      process.exit(1);
    }
    if (err instanceof RulePackError) {
      process.stderr.write(`threat-alerts: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

// Only as the entry (bin/run-ts.js and node put it in argv[1]), not when a test entry imports main().
if (process.argv[1] !== undefined && resolve(process.argv[1]) === __filename) main();
