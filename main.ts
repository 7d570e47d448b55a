/**
 * Entry point of `cdktf synth`: load and validate the config, build one stack per account, synth.
 * A config mistake prints its problems and exits 1 before anything is written.
 */
import { configPathFromEnv, ConfigError, loadConfigFile } from "./config/load";
import { buildApp } from "./stacks/app";
import { describeAlertSources } from "./stacks/alert-sources";
import { skipTokenStackTraces } from "./stacks/fast-stack-traces";

function main(): void {
  skipTokenStackTraces();
  const file = configPathFromEnv();
  try {
    const config = loadConfigFile(file);
    for (const w of config.warnings) process.stderr.write(`threat-alerts: warning: ${w}\n`);
    for (const line of describeAlertSources(config)) process.stderr.write(`threat-alerts: ${line}\n`);
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
