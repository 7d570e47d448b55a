/**
 * An EventBridge rule that sends matching events to a region's alert topic.
 */
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { AlertTopic } from "./alert-topic";

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

  constructor(scope: Construct, id: string, props: AlertRuleProps) {
    super(scope, id);
    const { provider, topic } = props;
    this.rule = new CloudwatchEventRule(this, "rule", {
      provider,
      name: props.name,
      description: props.description,
      eventPattern: JSON.stringify(props.eventPattern),
    });
    new CloudwatchEventTarget(this, "target", {
      provider,
      rule: this.rule.name,
      targetId: "alert-topic",
      arn: topic.topic.arn,
    });
    topic.allowEventRule(this.rule.arn);
  }
}
