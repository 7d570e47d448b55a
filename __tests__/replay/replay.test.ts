/**
 * The replay command against a local stand-in for SQS, SNS and Lambda (never AWS): what it sends
 * where, what it deletes, and what it leaves for the next run.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs, replay, UsageError, type ReplayArgs } from "../../scripts/replay-queue";
import { planReplay } from "../../scripts/replay-messages";
import { SnsRecordSchema } from "../../lambda-src/schemas/envelope";
import { AwsStandin, type StandinMessage } from "../helpers/sqs-sns-lambda-stand-in";

const ROOT = join(__dirname, "..", "..");
const GUARDDUTY_EVENT = readFileSync(
  join(ROOT, "__tests__", "fixtures", "events", "guardduty", "eb_cryptocurrency-ec2-bitcointool-b-dns_real_sev8-high.json"),
  "utf8",
);
const TOPIC = "arn:aws:sns:eu-west-1:111122223333:acme-alerts";
const RULE = "arn:aws:events:eu-west-1:111122223333:rule/acme-guardduty-findings";
const FUNCTION_ARN = "arn:aws:lambda:eu-west-1:111122223333:function:acme-slack-notifier";

/** An EventBridge target DLQ message: the event as body, RULE_ARN / TARGET_ARN / ERROR_CODE attributes (EventBridge user guide, rule-dlq). */
const eventBridgeDeadLetter = (id: string): StandinMessage => ({
  id,
  body: GUARDDUTY_EVENT,
  attributes: { RULE_ARN: RULE, TARGET_ARN: TOPIC, ERROR_CODE: "NO_PERMISSIONS", ERROR_MESSAGE: "KMS.AccessDeniedException" },
});

/** The SNS -> Lambda event the notifier got, as a Lambda on-failure destination records it (Lambda developer guide, invocation records). */
const snsEvent = {
  Records: [{ EventSource: "aws:sns", Sns: { Type: "Notification", MessageId: "m-1", TopicArn: TOPIC, Message: GUARDDUTY_EVENT } }],
};
const failureRecord = (id: string): StandinMessage => ({
  id,
  body: JSON.stringify({
    version: "1.0",
    timestamp: "2026-11-30T07:00:00.000Z",
    requestContext: { requestId: "r-1", functionArn: `${FUNCTION_ARN}:$LATEST`, condition: "RetriesExhausted", approximateInvokeCount: 3 },
    requestPayload: snsEvent,
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    responsePayload: { errorType: "NotifyError", errorMessage: "1 of 1 Slack deliveries failed" },
  }),
  attributes: {},
});

/** An SNS subscription DLQ message: the notification document SNS could not deliver. */
const snsDeadLetter = (id: string): StandinMessage => ({
  id,
  body: JSON.stringify({
    Type: "Notification",
    MessageId: "sns-1",
    TopicArn: TOPIC,
    Subject: null,
    Message: GUARDDUTY_EVENT,
    Timestamp: "2026-11-30T07:00:00.000Z",
  }),
  attributes: {},
});

describe("replay against a local SQS, SNS and Lambda", () => {
  const standin = new AwsStandin();
  const saved = { ...process.env };
  const lines: string[] = [];
  const run = (args: Partial<ReplayArgs> & { queue: string }) =>
    replay({ region: "eu-west-1", dryRun: false, max: 1000, ...args }, (l) => lines.push(l));

  beforeAll(async () => {
    await standin.start();
    Object.assign(process.env, standin.env());
  });
  afterAll(async () => {
    process.env = saved;
    await standin.stop();
  });
  beforeEach(() => {
    lines.length = 0;
    standin.published.length = 0;
    standin.invoked.length = 0;
    standin.functionFails.clear();
  });

  test("EventBridge dead letters are published to their target topic byte for byte, then deleted", async () => {
    standin.queue("acme-guardduty-findings-dlq", [eventBridgeDeadLetter("e1"), eventBridgeDeadLetter("e2")]);
    await expect(run({ queue: "acme-guardduty-findings-dlq" })).resolves.toEqual({ replayed: 2, failed: 0, skipped: 0 });
    expect(standin.published).toEqual([
      { topicArn: TOPIC, message: GUARDDUTY_EVENT },
      { topicArn: TOPIC, message: GUARDDUTY_EVENT },
    ]);
    expect(standin.invoked).toEqual([]);
    expect(standin.waiting("acme-guardduty-findings-dlq")).toEqual([]);
    expect(lines[0]).toMatch(/^replayed e1 \(EventBridge event to .*acme-alerts \(it failed with NO_PERMISSIONS\)\): publish to arn:/);
  });

  test("a failure-queue record re-invokes the function (current code) with the original event", async () => {
    standin.queue("acme-slack-notifier-failures", [failureRecord("f1")]);
    await expect(run({ queue: standin.queueUrl("acme-slack-notifier-failures") })).resolves.toEqual({ replayed: 1, failed: 0, skipped: 0 });
    expect(standin.invoked).toHaveLength(1);
    expect(standin.invoked[0]!.functionName).toBe(FUNCTION_ARN);
    expect(JSON.parse(standin.invoked[0]!.payload)).toEqual(snsEvent);
    expect(standin.waiting("acme-slack-notifier-failures")).toEqual([]);
  });

  test("an SNS dead letter is sent to --function as the SNS event the notifier accepts, without repeating it to other subscribers", async () => {
    standin.queue("acme-slack-notifier-dlq", [snsDeadLetter("s1")]);
    await expect(run({ queue: "acme-slack-notifier-dlq", functionName: "acme-slack-notifier" })).resolves.toEqual({
      replayed: 1,
      failed: 0,
      skipped: 0,
    });
    expect(standin.published).toEqual([]);
    expect(standin.invoked.map((i) => i.functionName)).toEqual(["acme-slack-notifier"]);
    const event = JSON.parse(standin.invoked[0]!.payload);
    expect(event.Records).toHaveLength(1);
    expect(SnsRecordSchema.safeParse(event.Records[0]).success).toBe(true);
    expect(event.Records[0].Sns).toMatchObject({ Message: GUARDDUTY_EVENT, TopicArn: TOPIC, MessageId: "sns-1" });
  });

  test("without --function an SNS dead letter is skipped with the reason, kept and visible again at once", async () => {
    standin.queue("acme-slack-notifier-dlq", [snsDeadLetter("s2")]);
    await expect(run({ queue: "acme-slack-notifier-dlq" })).resolves.toEqual({ replayed: 0, failed: 0, skipped: 1 });
    expect(lines).toEqual([expect.stringMatching(/^skipped s2: looks like an SNS dead letter.*pass --function/)]);
    expect(standin.visible("acme-slack-notifier-dlq")).toEqual(["s2"]);
    expect(standin.invoked).toEqual([]);
  });

  test("a delivery that fails leaves its message in the queue, visible for the next run, and is reported", async () => {
    standin.functionFails.add(FUNCTION_ARN);
    standin.queue("acme-slack-notifier-failures", [failureRecord("f2"), failureRecord("f3")]);
    await expect(run({ queue: "acme-slack-notifier-failures" })).resolves.toEqual({ replayed: 0, failed: 2, skipped: 0 });
    expect(standin.visible("acme-slack-notifier-failures")).toEqual(["f2", "f3"]);
    expect(lines[0]).toMatch(/^failed f2 .*the function failed \(Unhandled\) .*NotifyError/);
    // Each message was tried once: a failed one is not received again in the same run.
    expect(standin.invoked).toHaveLength(2);
  });

  test("--dry-run says what it would do and changes nothing", async () => {
    standin.queue("acme-guardduty-findings-dlq", [eventBridgeDeadLetter("e3")]);
    await expect(run({ queue: "acme-guardduty-findings-dlq", dryRun: true })).resolves.toEqual({ replayed: 1, failed: 0, skipped: 0 });
    expect(lines).toEqual([expect.stringMatching(/^would replay e3 .*publish to arn:aws:sns:eu-west-1:111122223333:acme-alerts$/)]);
    expect(standin.published).toEqual([]);
    expect(standin.visible("acme-guardduty-findings-dlq")).toEqual(["e3"]);
  });

  test("--max bounds how many messages one run takes", async () => {
    standin.queue("acme-guardduty-findings-dlq", ["a", "b", "c"].map(eventBridgeDeadLetter));
    await expect(run({ queue: "acme-guardduty-findings-dlq", max: 2 })).resolves.toEqual({ replayed: 2, failed: 0, skipped: 0 });
    expect(standin.waiting("acme-guardduty-findings-dlq").map((m) => m.id)).toEqual(["c"]);
  });
});

describe("the replay plan for one message", () => {
  test("an EventBridge dead letter for a Lambda target invokes it; other targets are skipped, saying why", () => {
    const attrs = { RULE_ARN: RULE, TARGET_ARN: `${FUNCTION_ARN}:live` };
    expect(planReplay({ messageId: "x", body: "{}", attributes: attrs })).toMatchObject({
      kind: "invoke",
      functionName: FUNCTION_ARN,
      payload: "{}",
    });
    const queue = { RULE_ARN: RULE, TARGET_ARN: "arn:aws:sqs:eu-west-1:111122223333:q" };
    expect(planReplay({ messageId: "x", body: "{}", attributes: queue })).toMatchObject({
      kind: "skip",
      reason: expect.stringMatching(/only SNS topics and Lambda/),
    });
    expect(planReplay({ messageId: "x", body: "{}", attributes: { RULE_ARN: RULE } })).toMatchObject({ kind: "skip" });
  });

  test("a raw SNS dead letter (not a notification document) becomes the message of the SNS event", () => {
    const plan = planReplay({ messageId: "raw-1", body: "plain text alert", attributes: {} }, { functionName: "f" });
    expect(plan.kind).toBe("invoke");
    const event = JSON.parse((plan as { payload: string }).payload);
    expect(event.Records[0].Sns).toMatchObject({ Message: "plain text alert", MessageId: "raw-1", TopicArn: "unknown" });
  });
});

describe("arguments", () => {
  test.each([
    [[], /--queue is required/],
    [["--queue", "q"], /--region is required/],
    [["--queue", "q", "--region", "eu-west-1", "--max", "0"], /--max must be a whole number/],
    [["--queue", "--region", "eu-west-1"], /--queue needs a value/],
    [["--queue", "q", "--region", "r", "--force"], /unknown argument "--force"/],
  ])("%j is refused: %s", (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  test("accepts every option", () => {
    expect(parseArgs(["--queue", "q", "--region", "eu-west-1", "--function", "f", "--dry-run", "--max", "5"])).toEqual({
      queue: "q",
      region: "eu-west-1",
      functionName: "f",
      dryRun: true,
      max: 5,
    });
  });
});

describe("npm run replay, as a process", () => {
  const standin = new AwsStandin();
  beforeAll(() => standin.start());
  afterAll(() => standin.stop());
  // Asynchronous: the stand-in answers from this process, so a blocking spawnSync would deadlock.
  const cli = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, "bin", "run-ts.js"), join(ROOT, "scripts", "replay.ts"), ...args], {
        cwd: ROOT,
        // NODE_NO_WARNINGS: the SDK warns on Node 20 about its future Node 22 requirement.
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_NO_WARNINGS: "1", ...standin.env() },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });

  test("replays a queue, prints a line per message and a summary, and exits 0", async () => {
    standin.queue("acme-guardduty-findings-dlq", [eventBridgeDeadLetter("p1")]);
    const r = await cli(["--queue", "acme-guardduty-findings-dlq", "--region", "eu-west-1"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^replayed p1 .*\nreplayed 1, failed 0, skipped 0\n$/);
    expect(r.status).toBe(0);
    expect(standin.published).toHaveLength(1);
  });

  test("an AWS error (no such queue) is one line on stderr and exit 1, never a stack trace; bad arguments exit 2", async () => {
    const r = await cli(["--queue", "nope", "--region", "eu-west-1"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^replay: QueueDoesNotExist.*: The specified queue does not exist\.\n$/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const usage = await cli(["--region", "eu-west-1"]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^replay: --queue is required\nusage: npm run replay -- --queue/);
  });
});
