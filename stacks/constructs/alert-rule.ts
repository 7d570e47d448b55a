/**
 * An EventBridge rule that sends matching events to a region's alert topic, with an explicit retry
 * policy, a dead-letter queue and an alarm on failed invocations.
 *
 * EventBridge does not retry a permission or KMS error (a broken topic policy or key): "no retry
 * attempts will happen ... EventBridge sends these events directly to the target DLQ, if you have
 * specified one"; without one the event is dropped.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { names } from "../../config/names";
import { replayCommand } from "../replay-command";
import type { AlertTopic } from "./alert-topic";
import { DeadLetterQueue } from "./dead-letter-queue";

/**
 * EventBridge's own defaults (24 hours, 185 attempts), written out so a provider or service
 * default change can't shorten them. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-event-delivery.html
 */
export const RULE_RETRY_POLICY = { maximumEventAgeInSeconds: 24 * 3600, maximumRetryAttempts: 185 } as const;

export interface AlertRuleProps {
  /** The provider of the rule's region (the topic's region). */
  readonly provider: AwsProvider;
  /** The rule name (config/names.ts). */
  readonly name: string;
  /** Shown in the EventBridge console: what the rule forwards. */
  readonly description: string;
  /** The event pattern, as a plain object (see detection/event-patterns.ts). */
  readonly eventPattern: Record<string, unknown>;
  /** The topic in the rule's own region (EventBridge targets are regional). */
  readonly topic: AlertTopic;
}

export class AlertRule extends Construct {
  readonly rule: CloudwatchEventRule;
  /** Where EventBridge puts events it could not deliver to the topic. */
  readonly deadLetters: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: AlertRuleProps) {
    super(scope, id);
    const { provider, topic } = props;
    this.rule = new CloudwatchEventRule(this, "rule", {
      provider,
      name: props.name,
      description: props.description,
      eventPattern: JSON.stringify(props.eventPattern),
    });
    const queueName = names.ruleDeadLetterQueue(props.name);
    this.deadLetters = new DeadLetterQueue(this, "dlq", {
      provider,
      name: queueName,
      sender: "events.amazonaws.com",
      sourceArns: [this.rule.arn],
      alarmDescription: `Events of the EventBridge rule ${props.name} could not be delivered to the alert topic and wait in ${queueName}: alerts are missing. Check the topic's key and policy, then replay: ${replayCommand(queueName, topic.region)}`,
      alarmTopicArns: [topic.health.topic.arn],
    });
    new CloudwatchEventTarget(this, "target", {
      provider,
      rule: this.rule.name,
      targetId: "alert-topic",
      arn: topic.topic.arn,
      retryPolicy: { ...RULE_RETRY_POLICY },
      deadLetterConfig: { arn: this.deadLetters.queue.arn },
    });
    topic.allowEventRule(this.rule.arn);

    // Any failure at all, retried or not: the first sign of a broken topic key or policy.
    new CloudwatchMetricAlarm(this, "failed-invocations-alarm", {
      provider,
      alarmName: `${props.name}-failed-invocations`,
      alarmDescription: `EventBridge failed to deliver events of the rule ${props.name} to the alert topic (FailedInvocations). Failed events go to ${queueName} once retries end or at once for a permission or KMS error; if that queue stays empty too (InvocationsFailedToBeSentToDLQ), they were lost. Check the topic's key and policy.`,
      namespace: "AWS/Events",
      metricName: "FailedInvocations",
      dimensions: { RuleName: this.rule.name },
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [topic.health.topic.arn],
    });
  }
}
