/**
 * Entry point of `cdktf synth`: load and validate the config, build one stack per account, synth.
 * A config mistake prints its problems and exits 1 before anything is written.
 *
 * What is not an error goes to stdout: cdktf prints every line an app writes to stderr as an
 * `[ERROR]`, and repeats the app's output in its failure summary.
 */
import { configPathFromEnv, ConfigError, describeConfigSource, loadConfigFile } from "./config/load";
import { buildApp } from "./stacks/app";
import { describeAlertSources } from "./stacks/alert-sources";
import { skippedPlanNotes } from "./stacks/guardduty-plan-notes";
import { skipTokenStackTraces } from "./stacks/fast-stack-traces";
import { findLegacyState, legacyStateMessage } from "./stacks/state-location";

function main(): void {
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
    buildApp(config).synth();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`threat-alerts: invalid config ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

main();
