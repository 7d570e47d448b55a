/**
 * The real bundle, not the handler in jest: builds the zip with the app's own bundle code, unzips
 * `index.js` into a temp dir and runs its `handler` in a fresh Node process against
 * - a local HTTPS Slack stand-in (a self-signed certificate made here, trusted by the child through
 *   NODE_EXTRA_CA_CERTS, so the bundle's fetch does real TLS), and
 * - a local SSM endpoint (AWS_ENDPOINT_URL_SSM) speaking the JSON protocol for GetParameter, with
 *   fake credentials and instance metadata disabled: nothing reaches AWS.
 * The AWS SDK stays external in the bundle, as in Lambda where the runtime provides it; NODE_PATH
 * points the child at this project's copy.
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { unzipSync } from "fflate";
import { fixture, guardDutyEvent, snsEvent } from "./fixtures";
import { allTexts, slackViolations, visibleText } from "./slack-limits";
import { FakeSlack } from "./slack-server";
import type { ReceivedRequest, Reply } from "./slack-server";
import { FakeSsm, localAwsEnv } from "./ssm-server";
import { METRIC_DIMENSION, METRIC_NAMESPACE, NOTIFIER_METRICS } from "../../lambda-src/metrics";

const ROOT = path.join(__dirname, "..", "..");
const DEFAULT = "/threat-alerts/slack-webhook";
const CRITICAL = "/threat-alerts/slack-webhook-critical";
const ATTACK_SEQUENCE = "guardduty/eb_attacksequence-iam-compromisedcredentials_sev9-critical_api-reference.json";
const CRYPTO = "guardduty/eb_cryptocurrency-ec2-bitcointool-b-dns_real_sev8-high.json";

const hasOpenssl = spawnSync("openssl", ["version"]).status === 0;
if (!hasOpenssl) console.warn("bundle-delivery: skipped, `openssl` is not on PATH (needed to make the test's TLS certificate)");
const describeWithTls = hasOpenssl ? describe : describe.skip;

const DRIVER = `
const { handler } = require("./index.js");
const events = JSON.parse(require("node:fs").readFileSync(process.argv[2], "utf8"));
const budgetMs = Number(process.env.TEST_BUDGET_MS);
(async () => {
  const results = [];
  for (const event of events) {
    const deadline = Date.now() + budgetMs;
    const context = {
      functionName: "threat-alerts-notifier",
      functionVersion: "$LATEST",
      invokedFunctionArn: "arn:aws:lambda:eu-west-1:111111111111:function:threat-alerts-notifier",
      memoryLimitInMB: "256",
      awsRequestId: "request-" + results.length,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    const start = Date.now();
    try {
      results.push({ ok: await handler(event, context), ms: Date.now() - start });
    } catch (e) {
      results.push({ error: e && e.name, message: e && e.message, ms: Date.now() - start });
    }
  }
  process.stdout.write("DRIVER-RESULT " + JSON.stringify(results) + "\\n");
})();
`;

interface Invocation {
  readonly ok?: { delivered: number; failed: number };
  readonly error?: string;
  readonly message?: string;
  readonly ms: number;
}

interface Run {
  readonly results: Invocation[];
  /** Powertools log lines (stdout and stderr). */
  readonly logs: Record<string, unknown>[];
  /** EMF metric documents, one per invocation. */
  readonly metrics: Record<string, unknown>[];
  readonly stderr: string;
}

describeWithTls("the built notifier bundle, run in a fresh Node process against local HTTPS Slack and SSM", () => {
  let dir: string;
  let tls: { key: string; cert: string; certPath: string };
  let slack: FakeSlack;
  let ssm: FakeSsm;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "notifier-bundle-run-"));
    // The app's bundle code in its own process (esbuild inside jest's VM is not representative).
    const zipBase64 = execFileSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "-e",
        'const b=require("./stacks/notifier/bundle.ts");process.stdout.write(require("node:fs").readFileSync(b.bundleNotifier().zipPath).toString("base64"))',
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    writeFileSync(path.join(dir, "index.js"), unzipSync(Buffer.from(zipBase64, "base64"))["index.js"]);
    writeFileSync(path.join(dir, "driver.js"), DRIVER);
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ].concat(["-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")]),
      { stdio: "ignore" },
    );
    tls = {
      key: readFileSync(path.join(dir, "key.pem"), "utf8"),
      cert: readFileSync(path.join(dir, "cert.pem"), "utf8"),
      certPath: path.join(dir, "cert.pem"),
    };
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    slack = await new FakeSlack(tls).start();
    ssm = await new FakeSsm().start();
    ssm.parameters.set(DEFAULT, slack.url("/services/default"));
  });

  afterEach(async () => {
    await slack.stop();
    await ssm.stop();
  });

  /** Runs the events as successive invocations of one warm container. */
  async function run(events: unknown[], env: Record<string, string> = {}, budgetMs = 25_000): Promise<Run> {
    const eventsFile = path.join(dir, `events-${Date.now()}-${Math.random()}.json`);
    writeFileSync(eventsFile, JSON.stringify(events));
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        process.execPath,
        [path.join(dir, "driver.js"), eventsFile],
        {
          cwd: dir,
          timeout: 60_000,
          env: {
            PATH: process.env.PATH ?? "",
            NODE_PATH: path.join(ROOT, "node_modules"),
            NODE_EXTRA_CA_CERTS: tls.certPath,
            ...localAwsEnv(ssm.url()),
            AWS_CONFIG_FILE: path.join(dir, "no-config"),
            AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "no-credentials"),
            AWS_LAMBDA_FUNCTION_NAME: "threat-alerts-notifier",
            POWERTOOLS_SERVICE_NAME: "threat-alerts-notifier",
            WEBHOOK_PARAMETER: DEFAULT,
            TEST_BUDGET_MS: String(budgetMs),
            ...env,
          },
        },
        (err, out, errOut) =>
          err ? reject(Object.assign(err, { stdout: out, stderr: errOut })) : resolve({ stdout: out, stderr: errOut }),
      );
    });
    const lines = stdout.split("\n").filter((l) => l.trim() !== "");
    const resultLine = lines.find((l) => l.startsWith("DRIVER-RESULT "));
    if (!resultLine) throw new Error(`driver printed no result:\n${stdout}\n${stderr}`);
    // Powertools writes warn and error to stderr; Lambda sends both streams to the log group.
    const json = [...lines, ...stderr.split("\n")].filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
    return {
      results: JSON.parse(resultLine.slice("DRIVER-RESULT ".length)) as Invocation[],
      logs: json.filter((j) => !("_aws" in j)),
      metrics: json.filter((j) => "_aws" in j),
      stderr,
    };
  }

  const payloads = () => slack.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
  const logged = (r: Run) => r.logs.map((l) => JSON.stringify(l)).join("\n");

  it("delivers a finding: reads the webhook from SSM (decrypted), posts Block Kit over TLS, writes its metrics", async () => {
    const r = await run([snsEvent(fixture(CRYPTO))]);
    expect(r.results).toEqual([{ ok: { delivered: 1, failed: 0 }, ms: expect.any(Number) }]);
    expect(ssm.requests).toEqual([expect.objectContaining({ target: "AmazonSSM.GetParameter", name: DEFAULT, withDecryption: true })]);
    expect(slack.requests.map((q) => q.path)).toEqual(["/services/default"]);
    expect(slackViolations(payloads()[0])).toEqual([]);
    expect(visibleText(payloads()[0])).toContain("CryptoCurrency:EC2/BitcoinTool.B!DNS");
    expect(r.metrics).toEqual([
      expect.objectContaining({
        FunctionName: "threat-alerts-notifier",
        Delivered: 1,
        NotDelivered: 0,
        _aws: expect.objectContaining({ CloudWatchMetrics: [expect.objectContaining({ Namespace: "ThreatAlerts/Notifier" })] }),
      }),
    ]);
    expect(logged(r)).toContain('"message":"Posted to Slack"');
    expect(logged(r)).not.toContain("/services/default");
    // The EMF line declares exactly the metric names the construct's alarms use, and carries each.
    const emf = r.metrics[0] as {
      _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> };
    };
    const [declared] = emf._aws.CloudWatchMetrics;
    expect(declared.Namespace).toBe(METRIC_NAMESPACE);
    expect(declared.Dimensions).toEqual([[METRIC_DIMENSION]]);
    expect(declared.Metrics.map((m) => m.Name).sort()).toEqual(Object.values(NOTIFIER_METRICS).sort());
    for (const name of Object.values(NOTIFIER_METRICS)) expect(typeof (r.metrics[0] as Record<string, unknown>)[name]).toBe("number");
  });

  it("rotated webhook: after a 404 on the cached URL it re-reads the parameter past the cache and re-posts to the new one", async () => {
    ssm.parameters.set(DEFAULT, (reads) => slack.url(reads === 1 ? "/services/old" : "/services/new"));
    // The old webhook works once, then is revoked (the rotation happened after the first read).
    slack.respond = (req) =>
      req.path === "/services/old" && slack.requests.filter((q) => q.path === "/services/old").length > 1
        ? { status: 404, body: "no_service" }
        : undefined;
    const r = await run([snsEvent(fixture(CRYPTO)), snsEvent(fixture(CRYPTO))]);
    expect(r.results.map((x) => x.ok)).toEqual([
      { delivered: 1, failed: 0 },
      { delivered: 1, failed: 0 },
    ]);
    expect(slack.requests.map((q) => q.path)).toEqual(["/services/old", "/services/old", "/services/new"]);
    expect(ssm.reads(DEFAULT)).toBe(2); // the second read bypassed the 300 s cache
    expect(logged(r)).toContain("Slack refused the webhook; re-read its parameter and re-posting");
    expect(r.metrics[1]).toMatchObject({ Delivered: 1, WebhookRefetched: 1 });
  });

  it("broken route: a critical alert whose route parameter is missing reaches the default webhook, saying routing failed", async () => {
    const r = await run([snsEvent(fixture(ATTACK_SEQUENCE))], {
      WEBHOOK_ROUTES: JSON.stringify([{ minSeverity: 9, parameter: CRITICAL }]),
    });
    expect(r.results[0].ok).toEqual({ delivered: 1, failed: 0 });
    expect(ssm.requests.map((q) => q.name)).toEqual([CRITICAL, DEFAULT]);
    expect(slack.requests.map((q) => q.path)).toEqual(["/services/default"]);
    const text = visibleText(payloads()[0]);
    expect(text).toMatch(
      /\*Routing failed:\* the webhook in `\/threat-alerts\/slack-webhook-critical` could not be used \(.*ParameterNotFound/,
    );
    expect(text).toContain("*Signals, in order* (4)");
    expect(slackViolations(payloads()[0])).toEqual([]);
    expect(logged(r)).toMatch(/"message":"Webhook routing failed; sending to the default webhook".*ParameterNotFound/);
    expect(r.metrics[0]).toMatchObject({ Delivered: 1, RoutingFailed: 1, NotDelivered: 0 });
  });

  it("Slack refuses the payload (400): re-posts once as plain text", async () => {
    slack.respond = (req) => ("blocks" in (JSON.parse(req.body) as object) ? { status: 400, body: "invalid_blocks" } : undefined);
    const r = await run([snsEvent(fixture(ATTACK_SEQUENCE))]);
    expect(r.results[0].ok).toEqual({ delivered: 1, failed: 0 });
    const [, plainText] = payloads();
    expect(slack.requests).toHaveLength(2);
    expect(plainText.blocks).toBeUndefined();
    expect(plainText.text).toContain("Potential credential compromise of IAMUser/build-bot");
    expect(plainText.text).toContain("1. `iam:ListUsers` ×14");
    expect(plainText.text).toContain("Sent as plain text: Slack refused the formatted message with invalid_blocks");
    expect(logged(r)).toContain('"reason":"SlackDeliveryError: Slack rejected the message (HTTP 400: invalid_blocks); not retried"');
    expect(r.metrics[0]).toMatchObject({ Delivered: 1, PlainTextFallback: 1 });
  });

  it("total size: huge events are capped near 10,000 characters of block text with '… N more' lines, and Slack accepts them", async () => {
    // The stand-in refuses what Slack would: any limit broken, or more than 12,000 characters of block text.
    slack.respond = (req) => {
      const body = JSON.parse(req.body) as Record<string, unknown>;
      const total = allTexts({ ...body, text: "" }).reduce((n, t) => n + t.length, 0);
      return slackViolations(body).length > 0 || total > 12_000 ? { status: 400, body: "invalid_blocks" } : undefined;
    };
    const long = "L".repeat(1500);
    const hub = {
      source: "aws.securityhub",
      "detail-type": "Security Hub Findings - Imported",
      region: "eu-west-1",
      account: "111111111111",
      detail: {
        findings: Array.from({ length: 12 }, (_, i) => ({
          SchemaVersion: "2018-10-08",
          ProductArn: "arn:aws:securityhub:eu-west-1::product/aws/securityhub",
          Id: `finding-${i}`,
          Title: `Finding ${i} ${long.slice(0, 200)}`,
          Description: long,
          Severity: { Label: "HIGH" },
          Resources: Array.from({ length: 40 }, (_, j) => ({ Type: "AwsS3Bucket", Id: `arn:aws:s3:::bucket-${j}` })),
        })),
      },
    };
    const sequence = structuredClone(fixture(ATTACK_SEQUENCE)) as {
      detail: { service: { detection: { sequence: Record<string, unknown> } } };
    };
    const s = sequence.detail.service.detection.sequence;
    s.signals = Array.from({ length: 100 }, (_, i) => ({ uid: `s${i}`, name: `iam:Call${i}`, count: 1, firstSeenAt: 1741075331 + i }));
    s.resources = Array.from({ length: 400 }, (_, i) => ({ uid: `arn:aws:s3:::bucket-${i}`, resourceType: "S3_BUCKET" }));
    const r = await run([snsEvent(hub, sequence)]);
    expect(r.results[0].ok).toEqual({ delivered: 2, failed: 0 });
    expect(slack.requests).toHaveLength(2); // no plain-text fallback was needed
    for (const p of payloads()) {
      expect(allTexts({ ...p, text: "" }).reduce((n, t) => n + t.length, 0)).toBeLessThanOrEqual(10_000);
      expect(p.blocks).toBeDefined();
    }
    expect(visibleText(payloads()[0])).toMatch(/\d+ more finding\(s\) not shown/);
    expect(visibleText(payloads()[0])).toContain("… 35 more resources");
    expect(visibleText(payloads()[1])).toMatch(/… \d+ more signals/);
    expect(visibleText(payloads()[1])).toMatch(/… \d+ more resources/);
  });

  it("SSM without an answer: the invocation fails in seconds with a logged TimeoutError, not at Lambda's timeout", async () => {
    ssm.hang = true;
    const r = await run([snsEvent(fixture(CRYPTO))]);
    expect(r.results[0].error).toBe("NotifyError");
    expect(r.results[0].message).toMatch(
      /1 of 1 Slack deliveries failed: WebhookParameterError: SSM parameter \/threat-alerts\/slack-webhook could not be read \(.*TimeoutError/,
    );
    expect(r.results[0].ms).toBeLessThan(10_000);
    expect(ssm.reads(DEFAULT)).toBe(2); // two SDK attempts
    expect(slack.requests).toHaveLength(0);
    expect(logged(r)).toMatch(/"message":"Slack delivery failed".*TimeoutError/);
    expect(r.metrics[0]).toMatchObject({ Delivered: 0, NotDelivered: 1 });
  });

  it("bursts: honours Retry-After within the invocation's remaining time, so the whole burst is delivered", async () => {
    const script: Reply[] = [
      { status: 429, headers: { "retry-after": "1" }, body: "rate_limited" },
      { status: 429, headers: { "retry-after": "1" }, body: "rate_limited" },
    ];
    slack.respond = () => script.shift();
    const r = await run([snsEvent(fixture(CRYPTO), fixture(CRYPTO), fixture(CRYPTO))]);
    expect(r.results[0].ok).toEqual({ delivered: 3, failed: 0 });
    expect(slack.requests).toHaveLength(5);
    const gap = (a: ReceivedRequest, b: ReceivedRequest) => b.at - a.at;
    expect(gap(slack.requests[0], slack.requests[1])).toBeGreaterThanOrEqual(1000);
    expect(gap(slack.requests[1], slack.requests[2])).toBeGreaterThanOrEqual(1000);
    expect(r.metrics[0]).toMatchObject({ Delivered: 3, NotDelivered: 0, RateLimited: 2 });
  });

  it("bursts: a Retry-After longer than the time left fails fast with the reason (Lambda retries the event later)", async () => {
    slack.respond = () => ({ status: 429, headers: { "retry-after": "60" }, body: "rate_limited" });
    const r = await run([snsEvent(fixture(CRYPTO))], {}, 10_000);
    expect(r.results[0].error).toBe("NotifyError");
    expect(r.results[0].message).toMatch(/Slack rate limit \(HTTP 429: rate_limited\): Retry-After 60000 ms does not fit/);
    expect(r.results[0].ms).toBeLessThan(3000);
    expect(r.metrics[0]).toMatchObject({ Delivered: 0, NotDelivered: 1 });
  });

  it("a bad record in a batch is posted raw; the others are delivered normally", async () => {
    const event = snsEvent(fixture(CRYPTO), "placeholder", guardDutyEvent({ type: "Recon:EC2/PortProbeUnprotectedPort", severity: 2 })) as {
      Records: unknown[];
    };
    event.Records[1] = { EventSource: "aws:sns", Sns: { Message: 12345 } };
    const r = await run([event]);
    expect(r.results[0].ok).toEqual({ delivered: 3, failed: 0 });
    const texts = payloads().map((p) => visibleText(p));
    expect(texts[0]).toContain("CryptoCurrency:EC2/BitcoinTool.B!DNS");
    expect(texts[1]).toContain("Malformed SNS record 2 of 3");
    expect(texts[2]).toContain("Recon:EC2/PortProbeUnprotectedPort");
    expect(logged(r)).toContain("Malformed record posted as raw JSON");
  });

  it("a malformed ACCOUNT_NAMES setting does not block alerts", async () => {
    const r = await run([snsEvent(fixture(CRYPTO))], { ACCOUNT_NAMES: "{not json" });
    expect(r.results[0].ok).toEqual({ delivered: 1, failed: 0 });
    expect(logged(r)).toMatch(/"message":"Notifier setting ignored".*ACCOUNT_NAMES is not valid JSON/);
    expect(r.metrics[0]).toMatchObject({ Delivered: 1, SettingsProblems: 1 });
  });
});
