/**
 * `npm run bench`: synth speed and memory, and the notifier's size and speed.
 *
 * Targets (2-core machine): `regions: all` x 10 accounts synthesizes in at most 2 s and 600 MB,
 * and each extra region-account costs at most 10 ms. The notifier zip stays under 50 KB.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
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

const ROOT = join(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

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

/** Median of RUNS measured synths of a config, each in a fresh process. */
function measure(accounts: number, regions: readonly string[]): Run {
  const dir = mkdtempSync(join(tmpdir(), "threat-alerts-bench-"));
  try {
    const file = join(dir, "config.yaml");
    writeFileSync(file, configYaml(accounts, regions));
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      const outdir = join(dir, `out${i}`);
      // The same launcher cdktf.json's `app` uses.
      const json = execFileSync(process.execPath, [join(ROOT, "bin", "run-ts.js"), join(__dirname, "bench-synth-child.ts"), file, outdir], {
        cwd: ROOT,
        encoding: "utf8",
      });
      runs.push(JSON.parse(json));
    }
    runs.sort((a, b) => a.totalMs - b.totalMs);
    return runs[Math.floor(runs.length / 2)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number) => n.toFixed(0);

async function main(): Promise<void> {
  console.log(`threat-alerts bench (node ${process.version}, median of ${RUNS} runs, each in a fresh process)\n`);
  const small = measure(1, [DEFAULT_REGIONS[0]]);
  const big = measure(10, DEFAULT_REGIONS);
  const extra = 10 * DEFAULT_REGIONS.length - 1;
  const perRegionAccount = (big.totalMs - small.totalMs) / extra;

  console.log("synth                          total ms  startup  config  build  synth  peak RSS MB");
  for (const [name, r] of [
    ["1 account x 1 region", small],
    [`10 accounts x ${DEFAULT_REGIONS.length} regions`, big],
  ] as const) {
    console.log(
      `${name.padEnd(30)} ${fmt(r.totalMs).padStart(8)} ${fmt(r.startupMs).padStart(8)} ${fmt(r.configMs).padStart(7)} ${fmt(r.buildMs).padStart(6)} ${fmt(r.synthMs).padStart(6)} ${fmt(r.peakRssMB).padStart(12)}`,
    );
  }
  const verdict = (ok: boolean) => (ok ? "ok" : "OVER TARGET");
  console.log(
    `\nregions: all x 10 accounts: ${fmt(big.totalMs)} ms (target <= 2000: ${verdict(big.totalMs <= 2000)}), ${fmt(big.peakRssMB)} MB (target <= 600: ${verdict(big.peakRssMB <= 600)})`,
  );
  console.log(`per extra region-account: ${perRegionAccount.toFixed(2)} ms (target <= 10: ${verdict(perRegionAccount <= 10)})`);

  try {
    const { benchNotifier } = await import("./bench-notifier");
    console.log("\nnotifier");
    for (const [k, v] of Object.entries(await benchNotifier())) console.log(`  ${k}: ${v}`);
  } catch (err) {
    console.log(`\nnotifier bench unavailable: ${(err as Error).message}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
