/**
 * A region's alert topic: SNS encrypted with a customer-managed KMS key that EventBridge and
 * CloudWatch may use, a topic policy that admits only this stack's rules and this account's
 * alarms, and the email subscriptions.
 *
 * Why not the AWS-managed `alias/aws/sns` key: its key policy cannot be changed, so EventBridge
 * and CloudWatch alarms cannot use it and their publishes fail silently.
 * https://repost.aws/knowledge-center/sns-not-getting-eventbridge-notification
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
import { Construct } from "constructs";
import { Lazy } from "cdktf";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { names } from "../../config/names";
import type { BaseProps } from "./base-props";
import { CustomerKey } from "./customer-key";
import { accountManagesTopic, denyInsecurePublish } from "./topic-policy-statements";
import { HealthTopic } from "./health-topic";

export interface AlertTopicProps extends BaseProps {
  /** The provider's region, named in the key's description. */
  readonly region: string;
  /** Addresses subscribed by email; each must confirm once. @default none */
  readonly emails?: readonly string[];
}

export class AlertTopic extends Construct {
  readonly topic: SnsTopic;
  readonly key: KmsKey;
  /** Where alarms about undelivered alerts go: its own key and policy, the same subscribers. */
  readonly health: HealthTopic;
  /** The topic's region (alarm descriptions name it). */
  readonly region: string;
  private readonly eventRuleArns: string[] = [];

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const { provider, region, account, project } = props;
    this.region = region;

    this.key = new CustomerKey(this, "key", {
      provider,
      account,
      description: `threat-alerts ${project}: encrypts the alert topic in ${region}`,
      alias: names.keyAlias(project),
      statements: [
        {
          // SNS asks KMS for a data key on the publisher's behalf: the publishing service needs it.
          // No aws:SourceAccount/SourceArn here: EventBridge does not send them to KMS for an
          // encrypted topic, and publishes would fail silently. The topic policy scopes EventBridge
          // to this stack's rules. https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
          sid: "EventBridgeEncrypts",
          principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
          actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
          resources: ["*"],
        },
        {
          sid: "AccountAlarmsEncrypt",
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] }],
        },
      ],
    }).key;

    this.topic = new SnsTopic(this, "topic", {
      provider,
      name: names.topic(project),
      displayName: `threat-alerts ${project}`,
      kmsMasterKeyId: this.key.arn,
    });

    const topicPolicy = new DataAwsIamPolicyDocument(this, "topic-policy", {
      provider,
      statement: [
        accountManagesTopic(account, this.topic.arn),
        {
          sid: "StackEventRulesPublish",
          principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: Lazy.listValue({ produce: () => [...this.eventRuleArns] }) }],
        },
        {
          sid: "AccountAlarmsPublish",
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] },
            { test: "ArnLike", variable: "aws:SourceArn", values: [account.arn("cloudwatch", region, "alarm:*")] },
          ],
        },
        denyInsecurePublish(this.topic.arn),
      ],
    });
    new SnsTopicPolicy(this, "topic-policy-attachment", { provider, arn: this.topic.arn, policy: topicPolicy.json });

    // Construct ids derive from the address, so reordering the list changes nothing.
    for (const email of props.emails ?? []) {
      new SnsTopicSubscription(this, `email-${email}`, { provider, topicArn: this.topic.arn, protocol: "email", endpoint: email });
    }

    this.health = new HealthTopic(this, "health", { provider, region, account, project, emails: props.emails });
  }

  /** Lets an EventBridge rule of this stack (same region) publish to the topic. */
  allowEventRule(ruleArn: string): void {
    this.eventRuleArns.push(ruleArn);
  }
}
