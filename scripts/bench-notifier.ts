/**
 * Notifier numbers: zip and bundle size, cold import of the bundle, formatter throughput.
 *
 *   node bin/run-ts.js scripts/bench-notifier.ts
 *
 * Cold import runs `require(index.js)` in fresh Node processes. The bundle loads the AWS SDK only
 * when a webhook is first resolved (a lazy `import()` in webhook.ts), so the import measured here
 * is the whole cold-start cost of our code, and it works without the SDK installed.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { unzipSync } from "fflate";
import { formatIncoming } from "../lambda-src/format";
import { splitRecords } from "../lambda-src/parse";
import { bundleNotifier } from "../stacks/notifier/bundle";
import { CACHE_ENV } from "../stacks/notifier/code-cache";

const FIXTURES = path.join(__dirname, "..", "__tests__", "fixtures", "events");
const IMPORT_RUNS = 5;
const FORMAT_MS = 1000;
const ZIP_TARGET_BYTES = 50 * 1024;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function fixtureEvents(): unknown[] {
  const events: unknown[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".json")) events.push(JSON.parse(readFileSync(full, "utf8")));
    }
  };
  walk(FIXTURES);
  return events;
}

/** Median ms for `require(bundle)` in a fresh process, timed inside the child. */
function coldImportMs(bundlePath: string): number {
  const script =
    `const t=process.hrtime.bigint();const m=require(${JSON.stringify(bundlePath)});` +
    `if(typeof m.handler!=="function")throw new Error("no handler");` +
    `process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6));`;
  const runs: number[] = [];
  for (let i = 0; i < IMPORT_RUNS; i++) {
    const out = execFileSync(process.execPath, ["-e", script], { cwd: path.dirname(bundlePath), encoding: "utf8" });
    runs.push(Number(out));
  }
  return median(runs);
}

/** Events formatted per second over all fixtures (parse + classify + format, no I/O). */
function formatThroughput(events: readonly unknown[]): number {
  const options = { accountNames: { "123456789012": "prod" } };
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < FORMAT_MS) {
    for (const event of events) {
      for (const item of splitRecords(event)) formatIncoming(item, options);
      count++;
    }
  }
  return count / ((performance.now() - start) / 1000);
}

export async function benchNotifier(): Promise<Record<string, string | number>> {
  // Time esbuild itself, not the launcher's cache of its output.
  delete process.env[CACHE_ENV];
  const buildStart = performance.now();
  const bundle = bundleNotifier();
  const buildMs = performance.now() - buildStart;
  const dir = mkdtempSync(path.join(tmpdir(), "threat-alerts-notifier-bench-"));
  try {
    const files = unzipSync(readFileSync(bundle.zipPath));
    const bundlePath = path.join(dir, "index.js");
    writeFileSync(bundlePath, files["index.js"]);
    const events = fixtureEvents();
    return {
      "zip bytes": bundle.zipBytes,
      "zip target": bundle.zipBytes < ZIP_TARGET_BYTES ? `ok (< ${ZIP_TARGET_BYTES})` : `OVER TARGET (>= ${ZIP_TARGET_BYTES})`,
      "bundle bytes": bundle.bundleBytes,
      "bundle+zip ms": Math.round(buildMs),
      "cold import ms (median of 5)": Number(coldImportMs(bundlePath).toFixed(1)),
      fixtures: events.length,
      "format events/s": Math.round(formatThroughput(events)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run directly (not imported by bench.ts): the launcher sets process.argv[1] to the entry.
if (process.argv[1] === __filename) {
  benchNotifier()
    .then((r) => {
      for (const [k, v] of Object.entries(r)) process.stdout.write(`${k}: ${v}\n`);
    })
    .catch((err: unknown) => {
      process.stderr.write(`bench-notifier: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
