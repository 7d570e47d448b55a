/**
 * One measured synth, in its own process so peak memory is the app's own: what `cdktf synth`
 * runs (`node bin/run-ts.js main.ts`), with timings split by phase. Used by bench.ts.
 */
import { performance } from "node:perf_hooks";
import { loadConfigFile } from "../config/load";
import { buildApp } from "../stacks/app";
import { skipTokenStackTraces } from "../stacks/fast-stack-traces";

const [configFile, outdir] = process.argv.slice(2);
skipTokenStackTraces(); // as main.ts does
const start = performance.now(); // ms since process start: node + compile + imports before this line
const config = loadConfigFile(configFile);
const loaded = performance.now();
const app = buildApp(config, { outdir });
const built = performance.now();
app.synth();
const done = performance.now();
process.stdout.write(
  JSON.stringify({
    startupMs: start,
    configMs: loaded - start,
    buildMs: built - loaded,
    synthMs: done - built,
    totalMs: done,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  }),
);
