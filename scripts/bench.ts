/**
 * `npm run bench`: synth speed and memory, the launcher's start, and the notifier's size. It
 * prints the targets it checks, then each measurement against its target, and exits 1 when one
 * is missed.
 *
 * Every synth runs in a fresh process through the launcher, as `cdktf synth` runs the app
 * (`node bin/run-ts.js main.ts`). Warm runs share a bundle cache built once beforehand; cold runs
 * each get an empty one, so they include bundling the app with esbuild. The repository's own
 * cache (node_modules/.cache/threat-alerts) is neither used nor changed.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_REGIONS } from "../config/regions";

interface Run {
  startupMs: number;
  configMs: number;
  buildMs: number;
  synthMs: number;
  totalMs: number;
  peakRssMB: number;
}

interface Target {
  readonly what: string;
  readonly limit: number;
  readonly unit: string;
  /** Filled in when measured. */
  value?: number;
}

type TargetName = "warmStart" | "warmTotal" | "editTotal" | "coldTotal" | "bigTotal" | "bigRss" | "perRegionAccount" | "notifierZip";

/** The targets, for a 2-core machine (the CI runner). */
const TARGETS: Record<TargetName, Target> = {
  warmStart: { what: "1 account x 1 region, warm: start (node + launcher + loading the app)", limit: 250, unit: "ms" },
  warmTotal: { what: "1 account x 1 region, warm: whole synth", limit: 600, unit: "ms" },
  editTotal: { what: "1 account x 1 region, after a source edit (project bundle rebuilt): whole synth", limit: 1000, unit: "ms" },
  coldTotal: { what: "1 account x 1 region, cold (empty bundle cache): whole synth", limit: 3000, unit: "ms" },
  bigTotal: { what: "regions: all x 10 accounts: whole synth", limit: 2000, unit: "ms" },
  bigRss: { what: "regions: all x 10 accounts: peak memory", limit: 600, unit: "MB" },
  perRegionAccount: { what: "each extra region-account", limit: 10, unit: "ms" },
  notifierZip: { what: "notifier zip", limit: 50 * 1024, unit: "bytes" },
};

const ROOT = join(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** The launcher's cache directory variable (bin/launch-bundle.js). */
const CACHE_ENV = "THREAT_ALERTS_LAUNCH_CACHE";

function configYaml(accounts: number, regions: readonly string[]): string {
  const list = Array.from({ length: accounts }, (_, i) => `  - { name: acct${i}, id: "${String(100000000000 + i)}" }`).join("\n");
  return `project: bench
homeRegion: ${regions[0]}
regions: [${regions.join(", ")}]
accounts:
${list}
notifications:
  emails: [security@example.com]
  chatbot: { slackTeamId: T0123ABCD, slackChannelId: C0123ABCD }
  slack: { webhookParameter: /threat-alerts/slack-webhook }
cloudtrail:
  logGroup: { name: aws-cloudtrail-logs }
  consoleLogin: { allowedIps: ["203.0.113.10", "198.51.100.*"] }
`;
}

const work = mkdtempSync(join(tmpdir(), "threat-alerts-bench-"));
const warmCache = join(work, "warm-cache");
let coldCaches = 0;

/** One synth in a fresh process, as cdktf.json's `app` runs it, timed by phase inside the child. */
function synthOnce(configFile: string, cache: string): Run {
  const outdir = mkdtempSync(join(work, "out-"));
  try {
    const json = execFileSync(
      process.execPath,
      [join(ROOT, "bin", "run-ts.js"), join(__dirname, "bench-synth-child.ts"), configFile, outdir],
      {
        cwd: ROOT,
        env: { ...process.env, [CACHE_ENV]: cache },
        encoding: "utf8",
      },
    );
    return JSON.parse(json);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Median (by total time) of RUNS synths of a config. warm: the bundles are cached; edit: the
 * dependencies' bundle is cached, the project's is rebuilt (as after editing a source file);
 * cold: an empty cache.
 */
function measure(accounts: number, regions: readonly string[], cache: "warm" | "edit" | "cold" = "warm"): Run {
  const file = join(work, `config-${accounts}x${regions.length}.yaml`);
  writeFileSync(file, configYaml(accounts, regions));
  if (cache !== "cold") synthOnce(file, warmCache); // fills the cache; not measured
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (cache === "edit")
      for (const f of readdirSync(warmCache))
        if (f.startsWith("bench-synth-child.ts-") && !f.includes("-vendor-")) rmSync(join(warmCache, f));
    runs.push(synthOnce(file, cache === "cold" ? join(work, `cold-cache-${coldCaches++}`) : warmCache));
  }
  runs.sort((a, b) => a.totalMs - b.totalMs);
  return runs[Math.floor(runs.length / 2)];
}

const fmt = (n: number) => n.toFixed(0);

async function main(): Promise<number> {
  const targets: Target[] = Object.values(TARGETS);
  console.log(`threat-alerts bench (node ${process.version}, median of ${RUNS} runs, each in a fresh process)\n`);
  console.log("targets:");
  for (const t of targets) console.log(`  ${t.what}: <= ${t.limit} ${t.unit}`);
  console.log("");

  const cold = measure(1, [DEFAULT_REGIONS[0]], "cold");
  const edit = measure(1, [DEFAULT_REGIONS[0]], "edit");
  const small = measure(1, [DEFAULT_REGIONS[0]]);
  const big = measure(10, DEFAULT_REGIONS);
  TARGETS.warmStart.value = small.startupMs;
  TARGETS.warmTotal.value = small.totalMs;
  TARGETS.editTotal.value = edit.totalMs;
  TARGETS.coldTotal.value = cold.totalMs;
  TARGETS.bigTotal.value = big.totalMs;
  TARGETS.bigRss.value = big.peakRssMB;
  TARGETS.perRegionAccount.value = (big.totalMs - small.totalMs) / (10 * DEFAULT_REGIONS.length - 1);

  console.log("synth                              total ms  startup  config  build  synth  peak RSS MB");
  for (const [name, r] of [
    ["1 account x 1 region, cold", cold],
    ["1 account x 1 region, after an edit", edit],
    ["1 account x 1 region, warm", small],
    [`10 accounts x ${DEFAULT_REGIONS.length} regions, warm`, big],
  ] as const) {
    console.log(
      `${name.padEnd(34)} ${fmt(r.totalMs).padStart(8)} ${fmt(r.startupMs).padStart(8)} ${fmt(r.configMs).padStart(7)} ${fmt(r.buildMs).padStart(6)} ${fmt(r.synthMs).padStart(6)} ${fmt(r.peakRssMB).padStart(12)}`,
    );
  }

  try {
    const { benchNotifier } = await import("./bench-notifier");
    const notifier = await benchNotifier();
    TARGETS.notifierZip.value = Number(notifier["zip bytes"]);
    console.log("\nnotifier");
    for (const [k, v] of Object.entries(notifier)) console.log(`  ${k}: ${v}`);
  } catch (err) {
    console.log(`\nnotifier bench unavailable: ${(err as Error).message}`);
  }

  console.log("\nresults:");
  let missed = 0;
  for (const t of targets) {
    const ok = t.value !== undefined && t.value <= t.limit;
    if (!ok) missed++;
    const value =
      t.value === undefined ? "not measured" : `${t.unit === "ms" && t.value < 100 ? t.value.toFixed(2) : fmt(t.value)} ${t.unit}`;
    console.log(`  ${ok ? "ok  " : "MISS"}  ${t.what}: ${value} (target <= ${t.limit} ${t.unit})`);
  }
  console.log(missed === 0 ? "\nall targets met" : `\n${missed} target${missed === 1 ? "" : "s"} missed`);
  return missed === 0 ? 0 : 1;
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
