/**
 * Property-based tests (fast-check, fixed seed, bounded runs): random events and real fixtures
 * mutated at random never make the notifier throw, and every Slack payload keeps Slack's limits
 * (the independent checker in slack-limits.ts) with no unescaped `<`, well-formed text and the
 * 10,000-character cap.
 */
import fc from "fast-check";
import { notify } from "../../lambda-src/handler";
import type { NotifierDeps } from "../../lambda-src/handler";
import { formatIncoming } from "../../lambda-src/format";
import type { Formatted } from "../../lambda-src/format";
import { splitRecords } from "../../lambda-src/parse";
import { loadFixtures, snsEvent } from "./fixtures";
import { allTexts, slackViolations } from "./slack-limits";
import { FakeSlack } from "./slack-server";

const SEED = 20261130;
const fixtures = loadFixtures();

/** Any UTF-16 code units, lone surrogates included. */
const codeUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((units) => String.fromCharCode(...units));

/** Strings an attacker or a broken exporter could put in an event. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 60 }),
  codeUnits,
  fc.constantFrom(
    "<!channel>",
    "<!here|here>",
    "<@U0123ABC>",
    "<https://evil.example|click>",
    "`",
    "```",
    "` *bold* `",
    "&amp;",
    "&",
    ">",
    "\uD83D",
    "\uDE00",
    "😀",
    "\n\n",
    "AttackSequence:IAM/CompromisedCredentials",
    "GuardDuty Finding",
    "NON_COMPLIANT",
  ),
  fc.integer({ min: 1, max: 12_000 }).map((n) => "<&>`".repeat(Math.ceil(n / 4))),
);

const nastyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    nastyString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(nastyString, tie("value"), { maxKeys: 5 }),
  ),
})).value;

type Json = Record<string, unknown> | unknown[];

function isContainer(v: unknown): v is Json {
  return typeof v === "object" && v !== null;
}

/** Every path to a value inside `root` (objects and arrays), root excluded. */
function paths(root: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (!isContainer(root) || prefix.length > 12) return out;
  for (const [k, v] of Object.entries(root)) {
    const key = Array.isArray(root) ? Number(k) : k;
    out.push([...prefix, key]);
    paths(v, [...prefix, key], out);
  }
  return out;
}

type Mutation = { readonly at: number; readonly op: "replace" | "delete" | "duplicate-list"; readonly value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("replace", "replace", "delete", "duplicate-list"),
  value: nastyValue,
});

/** Applies mutations to a deep copy; each picks its target among the paths that exist at that point. */
function mutate(original: unknown, mutations: readonly Mutation[]): unknown {
  const root = { root: structuredClone(original) } as Record<string, unknown>;
  for (const m of mutations) {
    const all = [["root"], ...paths(root.root, ["root"])] as (string | number)[][];
    const target = all[m.at % all.length];
    const parent = target.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], root) as Json;
    const key = target[target.length - 1] as never;
    if (m.op === "delete" && target.length > 1) {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, unknown>)[key];
    } else if (m.op === "duplicate-list" && Array.isArray((parent as Record<string, unknown>)[key])) {
      const list = (parent as Record<string, unknown[]>)[key];
      (parent as Record<string, unknown>)[key] = Array.from({ length: 300 }, (_, i) => structuredClone(list[i % Math.max(list.length, 1)]));
    } else {
      (parent as Record<string, unknown>)[key] = m.value;
    }
  }
  return root.root;
}

/** What must hold for every message. Returns problems (empty = fine). */
function problems(f: Formatted): string[] {
  const out = slackViolations(f.message);
  const blockText = allTexts({ ...f.message, text: "" }).reduce((n, t) => n + t.length, 0);
  if (blockText > 10_000) out.push(`block text ${blockText} > 10,000`);
  const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  for (const t of allTexts(f.message)) if (lone.test(t)) out.push(`lone surrogate in: ${JSON.stringify(t.slice(0, 40))}`);
  if (!Number.isFinite(f.severity) || f.severity < 0 || f.severity > 10) out.push(`severity ${f.severity}`);
  return out;
}

function formatEvent(event: unknown): Formatted[] {
  return splitRecords(event).map((item) => formatIncoming(item, { accountNames: { "111111111111": "<!channel> `prod`" } }));
}

describe("fuzzing the notifier's formatting (fast-check, seed 20261130)", () => {
  it("random events (any JSON, SNS-wrapped or not) never throw and always give valid, safe payloads", () => {
    fc.assert(
      fc.property(nastyValue, fc.boolean(), (event, wrap) => {
        for (const f of formatEvent(wrap ? snsEvent(event) : event)) expect(problems(f)).toEqual([]);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("real fixtures, mutated at random (values replaced, keys deleted, lists blown up), never throw and stay valid", () => {
    fc.assert(
      fc.property(fc.constantFrom(...fixtures), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean(), (fx, ms, wrap) => {
        const event = mutate(fx.json, ms);
        for (const f of formatEvent(wrap ? snsEvent(event) : event)) {
          expect({ fixture: fx.name, problems: problems(f) }).toEqual({ fixture: fx.name, problems: [] });
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it("every real fixture with one string replaced by a hostile one, everywhere in turn, stays escaped", () => {
    const hostile = "<!channel> `x` <https://evil.example|y> \uD800";
    for (const fx of fixtures) {
      for (const p of paths(fx.json).slice(0, 400)) {
        const event = mutate(fx.json, [
          { at: paths({ root: fx.json }).findIndex((q) => q.join("/") === ["root", ...p].join("/")) + 1, op: "replace", value: hostile },
        ]);
        for (const f of formatEvent(event)) {
          const found = problems(f);
          if (found.length > 0) throw new Error(`${fx.name} at ${p.join(".")}: ${found.join("; ")}`);
        }
      }
    }
  });
});

describe("fuzzing notify end to end against a local Slack that enforces the limits", () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await new FakeSlack().start();
    slack.respond = (req) => {
      const body = JSON.parse(req.body) as Record<string, unknown>;
      return slackViolations(body).length > 0 ? { status: 400, body: "invalid_blocks" } : undefined;
    };
  });
  afterAll(async () => {
    await slack.stop();
  });

  it("random batches of mutated fixtures are all delivered as formatted messages, never a throw", async () => {
    const deps: NotifierDeps = {
      settings: { defaultParameter: "/d", routes: [{ minSeverity: 7, parameter: "/high" }], accountNames: {} },
      resolveWebhook: async (name) => slack.url(`/services${name}`),
      sendOptions: { timeoutMs: 2000, attempts: 1 },
      log: { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as NotifierDeps["log"],
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...fixtures), fc.array(mutation, { maxLength: 4 })), { minLength: 1, maxLength: 4 }),
        async (batch) => {
          const before = slack.requests.length;
          const result = await notify(snsEvent(...batch.map(([fx, ms]) => mutate(fx.json, ms))), deps);
          expect(result).toEqual({ delivered: batch.length, failed: 0 });
          // Slack refused none of them: no plain-text fallback was needed.
          for (const r of slack.requests.slice(before)) expect(JSON.parse(r.body)).toHaveProperty("blocks");
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });
});
