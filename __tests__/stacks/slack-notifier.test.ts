import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NOTIFIER_ENV } from "../../lambda-src/contract";
import { parameterFor, settingsFromEnv } from "../../lambda-src/settings";
import { readTree } from "../helpers/files";
import { countByProvider, policyDocument, referenced, resources, synthYaml, type Synthesized, type TfJson } from "../helpers/synth";

const YAML = `
project: acme
homeRegion: eu-west-1
regions: [us-east-1, eu-west-1, ap-northeast-1]
notifications:
  slack:
    webhookParameter: /threat-alerts/slack-webhook
    routes: [{ minSeverity: CRITICAL, webhookParameter: /threat-alerts/slack-webhook-oncall }]
  accountNames: { "111111111111": prod }
`;

describe("the Slack notifier in a stack", () => {
  let out: Synthesized;
  let stack: TfJson;
  let fn: Record<string, any>;
  beforeAll(() => {
    out = synthYaml(YAML);
    stack = out.stacks.acme;
    fn = resources(stack, "aws_lambda_function")[0][1];
  });
  afterAll(() => out.cleanup());

  test("is one arm64 Node.js 22 function in the home region with reserved concurrency", () => {
    expect(resources(stack, "aws_lambda_function")).toHaveLength(1);
    expect(fn).toMatchObject({
      provider: "aws.eu_west_1",
      function_name: "acme-slack-notifier",
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      reserved_concurrent_executions: 2,
    });
  });

  test("gets only parameter names and routes in its environment, never a webhook", () => {
    expect(fn.environment.variables).toMatchObject({
      WEBHOOK_PARAMETER: "/threat-alerts/slack-webhook",
      WEBHOOK_ROUTES: JSON.stringify([{ minSeverity: 9, parameter: "/threat-alerts/slack-webhook-oncall" }]),
      ACCOUNT_NAMES: JSON.stringify({ "111111111111": "prod" }),
    });
    for (const [path, bytes] of readTree(out.outdir)) {
      expect({ path, webhook: /hooks\.slack\.com/.test(bytes.toString("latin1")) }).toEqual({ path, webhook: false });
    }
    expect(resources(stack, "aws_ssm_parameter")).toHaveLength(0);
  });

  test("its environment is what the function reads back (lambda-src/contract.ts on both sides)", () => {
    const settings = settingsFromEnv(fn.environment.variables);
    expect(settings).toEqual({
      defaultParameter: "/threat-alerts/slack-webhook",
      routes: [{ minSeverity: 9, parameter: "/threat-alerts/slack-webhook-oncall" }],
      accountNames: { "111111111111": "prod" },
    });
    expect(parameterFor(9.5, settings)).toBe("/threat-alerts/slack-webhook-oncall");
    expect(Object.keys(fn.environment.variables).sort()).toEqual(Object.values(NOTIFIER_ENV).sort());
  });

  test("ships a zip whose source_code_hash is the SHA-256 of the asset in cdktf.out", () => {
    const zip = readFileSync(join(out.outdir, "stacks", "acme", fn.filename));
    expect(fn.source_code_hash).toBe(createHash("sha256").update(zip).digest("base64"));
    expect(zip.length).toBeLessThan(50 * 1024);
  });

  test("each regional alert and delivery-health topic may invoke it (by source ARN) and subscribes it from its own region", () => {
    const permissions = resources(stack, "aws_lambda_permission").map(([, p]) => p);
    expect(permissions).toHaveLength(6);
    const topics = permissions.map((p) => {
      expect(p).toMatchObject({ provider: "aws.eu_west_1", action: "lambda:InvokeFunction", principal: "sns.amazonaws.com" });
      const [, topic] = referenced(stack, p.source_arn);
      return `${topic.provider} ${topic.name}`;
    });
    expect(topics.sort()).toEqual(
      ["aws.ap_northeast_1", "aws.eu_west_1", "aws.us_east_1"].flatMap((r) => [`${r} acme-alerts`, `${r} acme-alerts-health`]).sort(),
    );
    const subs = resources(stack, "aws_sns_topic_subscription").map(([, s]) => s);
    expect(subs).toHaveLength(6);
    for (const s of subs) {
      expect(s.protocol).toBe("lambda");
      expect(referenced(stack, s.topic_arn)[1].provider).toBe(s.provider);
      expect(referenced(stack, s.endpoint)[0]).toBe(resources(stack, "aws_lambda_function")[0][0]);
    }
    expect(countByProvider(stack, "aws_sns_topic_subscription")).toEqual({
      "aws.us_east_1": 2,
      "aws.eu_west_1": 2,
      "aws.ap_northeast_1": 2,
    });
  });

  test("may read exactly its webhook parameters, decrypting only those through SSM", () => {
    const [, attached] = resources(stack, "aws_iam_role_policy").find(([, p]) => p.name === "notifier")!;
    const doc = policyDocument(stack, attached.policy);
    const ssm = doc.statement.find((s: any) => s.sid === "ReadWebhookParameters");
    expect(ssm.actions).toEqual(["ssm:GetParameter"]);
    expect(ssm.resources).toHaveLength(2);
    expect(ssm.resources[0]).toMatch(
      /^arn:\$\{data\.aws_partition\.[^}]+\}:ssm:eu-west-1:\$\{data\.aws_caller_identity\.[^}]+\}:parameter\/threat-alerts\/slack-webhook$/,
    );
    expect(ssm.resources[1]).toMatch(/:parameter\/threat-alerts\/slack-webhook-oncall$/);
    const kms = doc.statement.find((s: any) => s.sid === "DecryptWebhookViaSsm");
    expect(kms.condition).toEqual([
      { test: "StringEquals", variable: "kms:ViaService", values: ["ssm.eu-west-1.amazonaws.com"] },
      // SSM encrypts each SecureString with its parameter ARN as encryption context.
      { test: "StringEquals", variable: "kms:EncryptionContext:PARAMETER_ARN", values: ssm.resources },
    ]);
    expect(JSON.stringify(doc)).not.toMatch(/"ssm:\*"|"kms:\*"/);
  });

  test("sends events that still fail after retries to an encrypted queue", () => {
    const [[, invoke]] = resources(stack, "aws_lambda_function_event_invoke_config");
    const [, queue] = referenced(stack, invoke.destination_config.on_failure.destination);
    expect(queue.sqs_managed_sse_enabled).toBe(true);
    expect(invoke.maximum_retry_attempts).toBe(2);
  });

  test("alarms on its errors and on waiting failures go to the home region's delivery-health topic", () => {
    const alarms = resources(stack, "aws_cloudwatch_metric_alarm")
      .map(([, a]) => a)
      .filter((a) => ["acme-slack-notifier-errors", "acme-slack-notifier-failures-waiting"].includes(a.alarm_name));
    expect(alarms).toHaveLength(2);
    for (const a of alarms) {
      expect(a.provider).toBe("aws.eu_west_1");
      expect(a.alarm_actions).toHaveLength(1);
      expect(referenced(stack, a.alarm_actions[0])[1]).toMatchObject({ provider: "aws.eu_west_1", name: "acme-alerts-health" });
    }
    const waiting = alarms.find((a) => a.alarm_name === "acme-slack-notifier-failures-waiting")!;
    expect(waiting.alarm_description).toContain("npm run replay -- --queue acme-slack-notifier-failures --region eu-west-1");
  });
});

test("reservedConcurrency: false reserves nothing (for accounts with the minimum concurrency quota)", () => {
  const out = synthYaml(YAML.replace("  accountNames:", "    reservedConcurrency: false\n  accountNames:"));
  try {
    expect(resources(out.stacks.acme, "aws_lambda_function")[0][1].reserved_concurrent_executions).toBeUndefined();
  } finally {
    out.cleanup();
  }
});

test("without notifications.slack there is no notifier", () => {
  const out = synthYaml("project: acme\nhomeRegion: us-east-1\nregions: [us-east-1]\nnotifications: { emails: [security@example.com] }\n");
  try {
    expect(resources(out.stacks.acme, "aws_lambda_function")).toHaveLength(0);
  } finally {
    out.cleanup();
  }
});
