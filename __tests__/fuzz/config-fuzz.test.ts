/**
 * Property-based tests of the whole config -> stacks path (fast-check, fixed seed, bounded runs):
 * a random or mutated config is either refused with problems that each name a field, or it
 * synthesizes stacks that pass the rule pack. Never another exception (a stack trace for the
 * user), never a partial output directory.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { ConfigError, parseConfig } from "../../config/load";
import { synthChecked } from "../../stacks/checked-synth";
import { skipTokenStackTraces } from "../../stacks/fast-stack-traces";

const ROOT = join(__dirname, "..", "..");
const SEED = 20261130;
const REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1", "ap-southeast-2", "sa-east-1"];
const TOP_LEVEL = ["project", "homeRegion", "regions", "accounts", "guardduty", "notifications", "cloudtrail", "backend"];
/** Allow-list entries, good and bad (the schema refuses the bad ones with their index). */
const ALLOWED_IPS = [
  "203.0.113.10",
  "198.51.100.*",
  "192.0.2.0/24",
  "10.0.0.0/8",
  "2001:db8::1",
  "10.0.0.0/12",
  "10.0.0.1/8",
  "*",
  "300.1.1.1",
  "",
];
const SEVERITIES = ["LOW", "MEDIUM", "HIGH", "CRITICAL", 1, 4.5, 7, 10];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const BACKENDS: Json[] = [
  { type: "local" },
  { type: "s3", s3: { bucket: "my-tfstate", region: "us-east-1" } },
  { type: "cloud", cloud: { organization: "my-org" } },
];

/** Configs the way a user would write them: mostly valid, with every optional section in play. */
const configArb: fc.Arbitrary<Record<string, Json>> = fc
  .record({
    project: fc.stringMatching(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/),
    regions: fc.subarray(REGIONS, { minLength: 1, maxLength: 3 }),
    home: fc.nat(),
    accounts: fc.option(fc.subarray(["prod", "dev", "audit"], { minLength: 1 }), { nil: undefined }),
    guardduty: fc.record(
      {
        minSeverity: fc.constantFrom(...SEVERITIES),
        findingPublishingFrequency: fc.constantFrom("FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"),
        manageDetector: fc.boolean(),
        features: fc.record({ runtimeMonitoring: fc.boolean(), s3DataEvents: fc.boolean() }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    ),
    emails: fc.subarray(["security@example.com", "oncall@example.com"]),
    chatbot: fc.boolean(),
    slack: fc.option(
      fc.record({
        routes: fc.subarray([
          { minSeverity: "CRITICAL", webhookParameter: "/threat-alerts/slack-oncall" },
          { minSeverity: 8, webhookParameter: "/threat-alerts/slack-high" },
        ]),
        reservedConcurrency: fc.constantFrom(2, 5, false),
      }),
      { nil: undefined },
    ),
    cloudtrail: fc.option(
      fc.record({
        source: fc.constantFrom("createTrail", "logGroup"),
        allowedIps: fc.option(fc.subarray(ALLOWED_IPS, { maxLength: 3 }), { nil: undefined }),
        cisAlarms: fc.constantFrom("strict", "tuned", "off"),
        overrides: fc.subarray(["VpcChanges", "UnauthorizedApiCalls", "ConsoleLoginOutsideAllowList"]),
      }),
      { nil: undefined },
    ),
    backend: fc.constantFrom<Json>(...BACKENDS),
  })
  .map((r) => {
    const homeRegion = r.regions[r.home % r.regions.length]!;
    const config: Record<string, Json> = { project: r.project, homeRegion, regions: r.regions, guardduty: r.guardduty, backend: r.backend };
    if (r.accounts) config.accounts = r.accounts.map((name, i) => ({ name, id: `${i + 1}`.repeat(12) }));
    const notifications: Record<string, Json> = { emails: r.emails };
    if (r.chatbot) notifications.chatbot = { slackTeamId: "T0123ABCD", slackChannelId: "C0123ABCD" };
    if (r.slack) notifications.slack = { webhookParameter: "/threat-alerts/slack-webhook", ...r.slack };
    config.notifications = notifications;
    if (r.cloudtrail) {
      const ct = r.cloudtrail;
      const section: Record<string, Json> =
        ct.source === "createTrail" ? { createTrail: true } : { logGroup: { name: "aws-cloudtrail-logs" } };
      if (ct.allowedIps) section.consoleLogin = { allowedIps: ct.allowedIps };
      section.cisAlarms = ct.cisAlarms;
      section.alarms = Object.fromEntries(
        ct.overrides.map((name, i): [string, Json] => [name, i % 2 === 0 ? { enabled: false } : { threshold: 3 }]),
      );
      config.cloudtrail = section;
    }
    return config;
  });

/** Every path to a value in a JSON document, in a stable order. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

interface Mutation {
  readonly at: number;
  readonly op: "delete" | "replace" | "addKey" | "typoKey" | "swapType";
  readonly value: Json;
  readonly key: string;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("delete", "replace", "addKey", "typoKey", "swapType"),
  value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  key: fc.string({ minLength: 1, maxLength: 12 }),
});

/** Applies a mutation to a copy of the config at one of its paths. */
function mutate(config: Record<string, Json>, m: Mutation): Record<string, Json> {
  const copy = structuredClone(config);
  const all = paths(copy).filter((p) => p.length > 0);
  const path = all[m.at % all.length]!;
  const parent = path.slice(0, -1).reduce<Json>((v, k) => (v as Record<string | number, Json>)[k]!, copy) as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  const current = parent[last]!;
  switch (m.op) {
    case "delete":
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      break;
    case "replace":
      parent[last] = m.value;
      break;
    case "addKey":
      if (current !== null && typeof current === "object" && !Array.isArray(current)) current[m.key] = m.value;
      else parent[last] = { [m.key]: m.value };
      break;
    case "typoKey":
      if (!Array.isArray(parent)) {
        delete parent[last];
        parent[`${String(last).slice(0, -1)}${m.key[0]}`] = current;
      }
      break;
    case "swapType":
      parent[last] = typeof current === "string" ? Number(current) || 0 : typeof current === "number" ? String(current) : [current];
      break;
  }
  return copy;
}

/** `regions[1]: ...`, `guardduty.minSeverty: unknown key ...`, `(top level): ...`: a field, then what is wrong. */
function namesAField(problem: string, raw: Record<string, Json>): boolean {
  const known = new Set([...TOP_LEVEL, ...Object.keys(raw)]);
  if (problem.startsWith("(top level): ")) return true;
  // The path starts with a key of the config (which may itself contain ".", "[" or ":").
  return [...known].some((k) => problem.startsWith(k) && /^(?:[.[]|: )/.test(problem.slice(k.length))) && problem.includes(": ");
}

type Outcome = { kind: "refused"; problems: readonly string[] } | { kind: "synthesized"; stacks: string[] };

/** What the app does with a config, in-process: the loader, then the checked synth. */
function run(raw: Record<string, Json>, outdir: string): Outcome {
  let config;
  try {
    config = parseConfig(stringify(raw), "fuzz.yaml");
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { kind: "refused", problems: err.problems };
  }
  synthChecked(config, { outdir });
  return { kind: "synthesized", stacks: readdirSync(join(outdir, "stacks")) };
}

describe("config fuzzing (fixed seed, bounded runs)", () => {
  let dir: string;
  beforeAll(() => {
    skipTokenStackTraces(); // as main.ts does: synth is about twice as fast
    dir = mkdtempSync(join(tmpdir(), "threat-alerts-fuzz-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const check = (raw: Record<string, Json>, counts: Record<Outcome["kind"], number>) => {
    const outdir = join(dir, "out");
    rmSync(outdir, { recursive: true, force: true });
    const outcome = run(raw, outdir);
    counts[outcome.kind]++;
    if (outcome.kind === "refused") {
      expect(outcome.problems.length).toBeGreaterThan(0);
      for (const p of outcome.problems.flatMap((x) => x.split("\n  - ")))
        expect({ p, names: namesAField(p, raw) }).toEqual({ p, names: true });
      expect(existsSync(outdir)).toBe(false);
    } else {
      expect(outcome.stacks.length).toBe(Array.isArray(raw.accounts) ? raw.accounts.length : 1);
      for (const s of outcome.stacks) expect(existsSync(join(outdir, "stacks", s, "cdk.tf.json"))).toBe(true);
    }
    // Never a staging directory left behind.
    expect(readdirSync(dir).filter((f) => f.includes(".partial-"))).toEqual([]);
  };

  test("random configs synthesize stacks that pass the rule pack, or are refused naming each field", () => {
    const counts = { refused: 0, synthesized: 0 };
    fc.assert(
      fc.property(configArb, (raw) => check(raw, counts)),
      { seed: SEED, numRuns: 40 },
    );
    // Both outcomes are exercised (bad allow-list entries make some configs invalid).
    expect(counts.synthesized).toBeGreaterThan(10);
    expect(counts.refused).toBeGreaterThan(3);
  });

  test("mutated configs (deleted, replaced, renamed, added and retyped fields) never fail any other way", () => {
    const counts = { refused: 0, synthesized: 0 };
    fc.assert(
      fc.property(configArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (raw, mutations) =>
        check(
          mutations.reduce((c, m) => mutate(c, m), raw),
          counts,
        ),
      ),
      { seed: SEED, numRuns: 150 },
    );
    // Most mutations break the config; some still synthesize (a deleted optional section).
    expect(counts.refused).toBeGreaterThan(50);
    expect(counts.synthesized).toBeGreaterThan(2);
  });

  test("the real entry, in a child process: exit 0 with stacks, or exit 1 with the problems, no stack trace and no output", async () => {
    const samples = fc.sample(
      fc.tuple(configArb, fc.array(mutationArb, { maxLength: 2 })).map(([raw, ms]) => ms.reduce((c, m) => mutate(c, m), raw)),
      { seed: SEED, numRuns: 6 },
    );
    const results = await Promise.all(
      samples.map(async (raw, i) => {
        const file = join(dir, `child-${i}.yaml`);
        const outdir = join(dir, `child-${i}-out`);
        writeFileSync(file, stringify(raw));
        const r = await runEntry(file, outdir);
        return { raw, r, outdir };
      }),
    );
    let ok = 0;
    for (const { raw, r, outdir } of results) {
      expect(r.stderr).not.toMatch(/^\s+at /m);
      if (r.status === 0) {
        ok++;
        expect(readdirSync(join(outdir, "stacks")).length).toBeGreaterThan(0);
      } else {
        expect({ status: r.status, stderr: r.stderr }).toEqual({
          status: 1,
          stderr: expect.stringMatching(/^threat-alerts: invalid config /m),
        });
        expect(existsSync(outdir)).toBe(false);
        const problems = r.stderr.split("\n").filter((l) => l.startsWith("  - "));
        expect(problems.length).toBeGreaterThan(0);
        for (const p of problems) expect({ p, names: namesAField(p.slice(4), raw) }).toEqual({ p, names: true });
      }
    }
    expect(readdirSync(dir).filter((f) => f.includes(".partial-"))).toEqual([]);
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(results.length);
  });
});

/** cdktf.json's `app` (node bin/run-ts.js main.ts) with a config and an output directory. */
function runEntry(configFile: string, outdir: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "bin", "run-ts.js"), join(ROOT, "main.ts")], {
      cwd: ROOT,
      env: { ...process.env, THREAT_ALERTS_CONFIG: configFile, CDKTF_OUTDIR: outdir },
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stderr }));
  });
}
