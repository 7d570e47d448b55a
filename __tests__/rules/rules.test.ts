import { readFileSync } from "node:fs";
import { join } from "node:path";
import { alarmHasAction } from "../../stacks/rules/alarm-has-action";
import { eventBridgeTargetDlq } from "../../stacks/rules/eventbridge-target-dlq";
import { iamNoWildcardAdmin } from "../../stacks/rules/iam-no-wildcard-admin";
import { checkRules, RULES } from "../../stacks/rules";
import { kmsKeyRotation } from "../../stacks/rules/kms-key-rotation";
import { logGroupRetention } from "../../stacks/rules/log-group-retention";
import { noPlaintextSecrets } from "../../stacks/rules/no-plaintext-secrets";
import type { Rule, TerraformJson } from "../../stacks/rules/rule";
import { s3PublicAccessBlocked } from "../../stacks/rules/s3-public-access-blocked";
import { snsLambdaRedrive } from "../../stacks/rules/sns-lambda-redrive";
import { snsTopicCustomerKey } from "../../stacks/rules/sns-topic-customer-key";
import { sqsQueueAlarm } from "../../stacks/rules/sqs-queue-alarm";
import { sqsQueueEncrypted } from "../../stacks/rules/sqs-queue-encrypted";
import { synthYaml } from "../helpers/synth";

const verdicts = (rule: Rule, stack: TerraformJson) => rule.check(stack).map((f) => f.verdict);

// [rule, a stack it must fail, a stack it must pass]
const CASES: Array<[Rule, TerraformJson, TerraformJson]> = [
  [
    snsTopicCustomerKey,
    { resource: { aws_sns_topic: { t: { name: "t", kms_master_key_id: "alias/aws/sns" } } } },
    { resource: { aws_sns_topic: { t: { name: "t", kms_master_key_id: "${aws_kms_key.k.arn}" } } } },
  ],
  [kmsKeyRotation, { resource: { aws_kms_key: { k: {} } } }, { resource: { aws_kms_key: { k: { enable_key_rotation: true } } } }],
  [
    s3PublicAccessBlocked,
    {
      resource: {
        aws_s3_bucket: { b: {} },
        aws_s3_bucket_public_access_block: { p: { bucket: "${aws_s3_bucket.b.id}", block_public_acls: true } },
      },
    },
    {
      resource: {
        aws_s3_bucket: { b: {} },
        aws_s3_bucket_public_access_block: {
          p: {
            bucket: "${aws_s3_bucket.b.id}",
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
          },
        },
      },
    },
  ],
  [
    sqsQueueEncrypted,
    { resource: { aws_sqs_queue: { q: { sqs_managed_sse_enabled: false } } } },
    { resource: { aws_sqs_queue: { q: { sqs_managed_sse_enabled: true } } } },
  ],
  [
    logGroupRetention,
    { resource: { aws_cloudwatch_log_group: { g: { name: "g" } } } },
    { resource: { aws_cloudwatch_log_group: { g: { retention_in_days: 90 } } } },
  ],
  [
    alarmHasAction,
    { resource: { aws_cloudwatch_metric_alarm: { a: { alarm_actions: [] } } } },
    { resource: { aws_cloudwatch_metric_alarm: { a: { alarm_actions: ["${aws_sns_topic.t.arn}"] } } } },
  ],
  [
    iamNoWildcardAdmin,
    { data: { aws_iam_policy_document: { d: { statement: [{ actions: ["s3:*"], resources: ["*"] }] } } } },
    {
      data: {
        aws_iam_policy_document: {
          d: {
            statement: [
              { actions: ["s3:*"], resources: ["arn:x"] },
              { effect: "Deny", actions: ["*"], resources: ["*"] },
            ],
          },
        },
      },
    },
  ],
  [
    noPlaintextSecrets,
    {
      resource: { aws_lambda_function: { f: { environment: { variables: { URL: "https://hooks.slack.com/services/T000/B000/XXXX" } } } } },
    },
    { resource: { aws_lambda_function: { f: { environment: { variables: { WEBHOOK_PARAMETER: "/threat-alerts/slack-webhook" } } } } } },
  ],
  [
    eventBridgeTargetDlq,
    // A dead-letter queue alone is not enough: the retry policy must be explicit too.
    {
      resource: {
        aws_cloudwatch_event_target: { t: { arn: "${aws_sns_topic.t.arn}", dead_letter_config: { arn: "${aws_sqs_queue.q.arn}" } } },
      },
    },
    {
      resource: {
        aws_cloudwatch_event_target: {
          t: {
            arn: "${aws_sns_topic.t.arn}",
            dead_letter_config: { arn: "${aws_sqs_queue.q.arn}" },
            retry_policy: { maximum_event_age_in_seconds: 86400, maximum_retry_attempts: 185 },
          },
        },
      },
    },
  ],
  [
    snsLambdaRedrive,
    { resource: { aws_sns_topic_subscription: { s: { protocol: "lambda", endpoint: "${aws_lambda_function.f.arn}" } } } },
    {
      resource: {
        aws_sns_topic_subscription: {
          s: {
            protocol: "lambda",
            endpoint: "${aws_lambda_function.f.arn}",
            redrive_policy: '${jsonencode({"deadLetterTargetArn" = aws_sqs_queue.q.arn})}',
          },
          // Email subscriptions are not this rule's business.
          e: { protocol: "email", endpoint: "security@example.com" },
        },
      },
    },
  ],
  [
    sqsQueueAlarm,
    // An alarm on another queue, or on another metric of this one, does not count.
    {
      resource: {
        aws_sqs_queue: { q: { name: "q" }, r: { name: "r" } },
        aws_cloudwatch_metric_alarm: {
          a: {
            namespace: "AWS/SQS",
            metric_name: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: "${aws_sqs_queue.r.name}" },
          },
          b: { namespace: "AWS/SQS", metric_name: "NumberOfMessagesSent", dimensions: { QueueName: "${aws_sqs_queue.q.name}" } },
        },
      },
    },
    {
      resource: {
        aws_sqs_queue: { q: { name: "q" }, r: { name: "r" } },
        aws_cloudwatch_metric_alarm: {
          a: {
            namespace: "AWS/SQS",
            metric_name: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: "${aws_sqs_queue.q.name}" },
          },
          b: { namespace: "AWS/SQS", metric_name: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: "r" } },
        },
      },
    },
  ],
];

describe.each(CASES)("rule %#", (rule, failing, passing) => {
  test(`${rule.id} (${rule.description}) fails a non-compliant stack`, () => {
    expect(verdicts(rule, failing)).toContain("non-compliant");
  });
  test(`${rule.id} passes a compliant stack`, () => {
    expect(verdicts(rule, passing)).not.toContain("non-compliant");
    expect(verdicts(rule, passing)).toContain("compliant");
  });
});

test("every rule in the pack has a failing and a passing case here", () => {
  expect(CASES.map(([r]) => r.id).sort()).toEqual(RULES.map((r) => r.id).sort());
});

test("a waiver turns a violation into a waived finding that carries its reason", () => {
  const stack = {
    data: { aws_iam_policy_document: { d: { statement: [{ sid: "AccountAdministersKey", actions: ["kms:*"], resources: ["*"] }] } } },
  };
  const report = checkRules(stack);
  expect(report.violations).toEqual([]);
  expect(report.waived).toHaveLength(1);
  expect(report.waived[0].reason).toMatch(/key-policy-default/);
  expect(checkRules(stack, RULES, []).violations).toHaveLength(1);
});

describe.each([
  ["the bundled example", readFileSync(join(__dirname, "..", "..", "threat-alerts.yaml"), "utf8")],
  [
    "CloudTrail alarms on an existing log group",
    "project: acme\nhomeRegion: us-east-1\nregions: [us-east-1]\nnotifications: { emails: [security@example.com] }\ncloudtrail: { logGroup: { name: trail }, consoleLogin: { allowedIps: [203.0.113.10] } }\n",
  ],
])("%s", (_name, yaml) => {
  test("passes the rule pack, with only reasoned waivers", () => {
    const out = synthYaml(yaml);
    try {
      for (const [stack, tf] of Object.entries(out.stacks)) {
        const report = checkRules(tf);
        expect({ stack, violations: report.violations }).toEqual({ stack, violations: [] });
        expect(report.compliant).toBeGreaterThan(0);
        for (const w of report.waived) expect(w.reason.length).toBeGreaterThan(20);
      }
    } finally {
      out.cleanup();
    }
  });
});
