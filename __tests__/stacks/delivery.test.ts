/**
 * No silent drops: every hop of the alert path (EventBridge -> SNS, SNS -> Lambda) has a
 * dead-letter queue in its own region, every queue has an alarm, and the alarms about delivery go
 * to a topic that does not share the alert topic's key or policy.
 */
import { checkRules } from "../../stacks/rules";
import { eventBridgeTargetDlq } from "../../stacks/rules/eventbridge-target-dlq";
import { snsLambdaRedrive } from "../../stacks/rules/sns-lambda-redrive";
import { sqsQueueAlarm } from "../../stacks/rules/sqs-queue-alarm";
import { checkAgainstSchema } from "../helpers/schema-check";
import { policyDocument, referenced, resources, synthYaml, type Synthesized, type TfJson } from "../helpers/synth";

const YAML = `
project: acme
homeRegion: eu-west-1
regions: [eu-west-1, ap-southeast-2]
notifications:
  emails: [security@example.com]
  chatbot: { slackTeamId: T0123ABCD, slackChannelId: C0123ABCD }
  slack: { webhookParameter: /threat-alerts/slack-webhook }
cloudtrail:
  logGroup: { name: aws-cloudtrail-logs }
`;

/** `${jsonencode({"deadLetterTargetArn" = aws_sqs_queue.X.arn})}` -> `${aws_sqs_queue.X.arn}`. */
function redriveTarget(policy: unknown): string {
  const m = /^\$\{jsonencode\(\{"deadLetterTargetArn" = (aws_sqs_queue\.[^.]+)\.arn\}\)\}$/.exec(String(policy));
  if (!m) throw new Error(`not a redrive policy to a queue: ${String(policy)}`);
  return `\${${m[1]}.arn}`;
}

describe("the delivery path of a multi-region stack with the notifier, Chatbot and CloudTrail alarms", () => {
  let out: Synthesized;
  let stack: TfJson;
  const queuePolicy = (queueRef: string) => {
    const [name] = referenced(stack, queueRef);
    const [, attachment] = resources(stack, "aws_sqs_queue_policy").find(([, p]) => p.queue_url === `\${aws_sqs_queue.${name}.url}`)!;
    return policyDocument(stack, attachment.policy);
  };
  const topicName = (ref: string) => referenced(stack, ref)[1].name;
  beforeAll(() => {
    out = synthYaml(YAML);
    stack = out.stacks.acme;
  });
  afterAll(() => out.cleanup());

  test("every EventBridge target has a dead-letter queue in its region, admitting only its rule, and an explicit retry policy", () => {
    const targets = resources(stack, "aws_cloudwatch_event_target").map(([, t]) => t);
    expect(targets).toHaveLength(2);
    for (const t of targets) {
      expect(t.retry_policy).toEqual({ maximum_event_age_in_seconds: 86400, maximum_retry_attempts: 185 });
      const [, queue] = referenced(stack, t.dead_letter_config.arn);
      expect(queue).toMatchObject({
        provider: t.provider,
        name: "acme-guardduty-findings-dlq",
        sqs_managed_sse_enabled: true,
        message_retention_seconds: 1209600,
      });
      const doc = queuePolicy(t.dead_letter_config.arn);
      const send = doc.statement.find((s: any) => s.sid === "SenderDeadLetters");
      expect(send.principals).toEqual([{ type: "Service", identifiers: ["events.amazonaws.com"] }]);
      expect(send.actions).toEqual(["sqs:SendMessage"]);
      expect(send.condition).toEqual([{ test: "ArnEquals", variable: "aws:SourceArn", values: [t.rule.replace(/\.name\}$/, ".arn}")] }]);
      expect(doc.statement.find((s: any) => s.sid === "DenyInsecureTransport")).toMatchObject({ effect: "Deny" });
    }
  });

  test("every Lambda subscription (alert and health topics) redrives to a queue in its own region that admits only those topics", () => {
    const subs = resources(stack, "aws_sns_topic_subscription")
      .map(([, s]) => s)
      .filter((s) => s.protocol === "lambda");
    expect(subs.map((s) => `${s.provider} ${topicName(s.topic_arn)}`).sort()).toEqual([
      "aws.ap_southeast_2 acme-alerts",
      "aws.ap_southeast_2 acme-alerts-health",
      "aws.eu_west_1 acme-alerts",
      "aws.eu_west_1 acme-alerts-health",
    ]);
    for (const s of subs) {
      const queueRef = redriveTarget(s.redrive_policy);
      expect(referenced(stack, queueRef)[1]).toMatchObject({
        provider: s.provider,
        name: "acme-slack-notifier-dlq",
        sqs_managed_sse_enabled: true,
      });
      const send = queuePolicy(queueRef).statement.find((st: any) => st.sid === "SenderDeadLetters");
      expect(send.principals).toEqual([{ type: "Service", identifiers: ["sns.amazonaws.com"] }]);
      expect(send.condition[0].values).toContain(s.topic_arn);
      expect(send.condition[0].values.map(topicName).sort()).toEqual(["acme-alerts", "acme-alerts-health"]);
    }
  });

  test("every queue has an alarm on visible messages, in its region, notifying that region's delivery-health topic", () => {
    const alarms = resources(stack, "aws_cloudwatch_metric_alarm").map(([, a]) => a);
    const queues = resources(stack, "aws_sqs_queue");
    expect(queues).toHaveLength(5); // a findings DLQ and a notifier DLQ per region, the notifier's failure queue
    for (const [name, queue] of queues) {
      const alarm = alarms.find((a) => a.dimensions?.QueueName === `\${aws_sqs_queue.${name}.name}`)!;
      expect(alarm).toMatchObject({
        provider: queue.provider,
        namespace: "AWS/SQS",
        metric_name: "ApproximateNumberOfMessagesVisible",
        comparison_operator: "GreaterThanThreshold",
        threshold: 0,
        treat_missing_data: "notBreaching",
      });
      expect(alarm.alarm_actions).toHaveLength(1);
      expect(referenced(stack, alarm.alarm_actions[0])[1]).toMatchObject({ provider: queue.provider, name: "acme-alerts-health" });
      // Whoever gets the alarm can copy the replay command.
      expect(alarm.alarm_description).toContain(`npm run replay -- --queue ${queue.name} --region `);
    }
  });

  test("each rule's FailedInvocations alarm notifies its region's delivery-health topic", () => {
    for (const [ruleName, rule] of resources(stack, "aws_cloudwatch_event_rule")) {
      const alarm = resources(stack, "aws_cloudwatch_metric_alarm")
        .map(([, a]) => a)
        .find((a) => a.metric_name === "FailedInvocations" && a.dimensions.RuleName === `\${aws_cloudwatch_event_rule.${ruleName}.name}`)!;
      expect(alarm).toMatchObject({ provider: rule.provider, namespace: "AWS/Events", statistic: "Sum", threshold: 0 });
      expect(referenced(stack, alarm.alarm_actions[0])[1]).toMatchObject({ provider: rule.provider, name: "acme-alerts-health" });
    }
  });

  test("the delivery-health topic has its own key, which only this account's alarms (not EventBridge) may use, and the same subscribers", () => {
    const health = resources(stack, "aws_sns_topic").filter(([, t]) => t.name === "acme-alerts-health");
    const alert = resources(stack, "aws_sns_topic").filter(([, t]) => t.name === "acme-alerts");
    expect(health.map(([, t]) => t.provider).sort()).toEqual(["aws.ap_southeast_2", "aws.eu_west_1"]);
    for (const [name, topic] of health) {
      const twin = alert.find(([, t]) => t.provider === topic.provider)![1];
      expect(topic.kms_master_key_id).not.toBe(twin.kms_master_key_id);
      const key = policyDocument(stack, referenced(stack, topic.kms_master_key_id)[1].policy);
      expect(key.statement.map((s: any) => s.sid)).toEqual(["AccountAdministersKey", "AccountAlarmsEncrypt"]);
      const [, attachment] = resources(stack, "aws_sns_topic_policy").find(([, p]) => p.arn === `\${aws_sns_topic.${name}.arn}`)!;
      const policy = policyDocument(stack, attachment.policy);
      expect(policy.statement.map((s: any) => s.sid)).toEqual(["AccountManagesTopic", "AccountAlarmsPublish", "DenyInsecureTransport"]);
      const subscribers = resources(stack, "aws_sns_topic_subscription")
        .map(([, s]) => s)
        .filter((s) => s.topic_arn === `\${aws_sns_topic.${name}.arn}`)
        .map((s) => s.protocol)
        .sort();
      expect(subscribers).toEqual(["email", "lambda"]);
    }
    const [[, channel]] = resources(stack, "aws_chatbot_slack_channel_configuration");
    expect(channel.sns_topic_arns.map(topicName).sort()).toEqual([
      "acme-alerts",
      "acme-alerts",
      "acme-alerts-health",
      "acme-alerts-health",
    ]);
  });

  test("the log group Chatbot writes is created in us-east-1 with a retention, before the channel", () => {
    const [[name, group]] = resources(stack, "aws_cloudwatch_log_group").filter(([, g]) => g.name.startsWith("/aws/chatbot/"));
    expect(group).toMatchObject({ provider: "aws.us_east_1", name: "/aws/chatbot/acme-alerts", retention_in_days: 90 });
    const [[, channel]] = resources(stack, "aws_chatbot_slack_channel_configuration");
    expect(channel.configuration_name).toBe("acme-alerts");
    expect(channel.provider).toBe("aws.eu_west_1");
    expect(channel.depends_on).toEqual([`aws_cloudwatch_log_group.${name}`]);
    // us-east-1 is not in regions: its provider exists for that log group only.
    expect(stack.provider.aws.map((p) => p.alias)).toEqual(["eu_west_1", "ap_southeast_2", "us_east_1"]);
    expect(resources(stack, "aws_cloudwatch_log_group").filter(([, g]) => g.provider === "aws.us_east_1")).toHaveLength(1);
  });

  test("the CloudTrail alarms still notify the alert topic (they are alerts, not delivery health)", () => {
    const logAlarms = resources(stack, "aws_cloudwatch_metric_alarm").filter(([, a]) => a.namespace === "LogMetrics");
    expect(logAlarms).toHaveLength(15);
    for (const [, a] of logAlarms) expect(topicName(a.alarm_actions[0])).toBe("acme-alerts");
  });

  test("the stack matches the provider schema and passes the whole rule pack", () => {
    expect(checkAgainstSchema(stack)).toEqual([]);
    expect(checkRules(stack).violations).toEqual([]);
    // The rules of this issue looked at every target, Lambda subscription and queue, and passed them.
    for (const [rule, count] of [
      [eventBridgeTargetDlq, 2],
      [snsLambdaRedrive, 4],
      [sqsQueueAlarm, 5],
    ] as const) {
      expect(rule.check(stack).filter((f) => f.verdict === "compliant")).toHaveLength(count);
    }
  });
});
