/**
 * A region's delivery-health topic: where the alarms that say "an alert may not have arrived" go
 * (dead-letter queues, EventBridge FailedInvocations, the notifier's errors and failures).
 *
 * It is separate from the alert topic on purpose. When the alert topic's KMS key is disabled or
 * its key or topic policy is broken, EventBridge's deliveries to it fail (and land in the rule's
 * dead-letter queue), but an alarm that published to that same topic would fail silently too:
 * CloudWatch has no dead-letter queue for alarm actions. This topic has its own customer-managed
 * key and its own policy, which only CloudWatch alarms of this account may publish through, and
 * it has the same subscribers (emails, Chatbot, the notifier), so one broken key or policy never
 * silences both. (Unencrypted is no way out: the rule pack requires a customer key on every topic,
 * and alarms cannot publish under the AWS-managed `alias/aws/sns` key.)
 */
import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { names } from "../../config/names";
import type { BaseProps } from "./base-props";
import { CustomerKey } from "./customer-key";
import { accountManagesTopic, denyInsecurePublish } from "./topic-policy-statements";

export interface HealthTopicProps extends BaseProps {
  /** The provider's region, named in the key's description and the alarm ARNs it admits. */
  readonly region: string;
  /** Addresses subscribed by email, the same as the alert topic's; each must confirm once. @default none */
  readonly emails?: readonly string[];
}

export class HealthTopic extends Construct {
  /** The topic delivery alarms publish to (same region). */
  readonly topic: SnsTopic;
  /** Its own customer-managed key, shared with nothing else. */
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: HealthTopicProps) {
    super(scope, id);
    const { provider, region, account, project } = props;
    const alarmsOfThisAccount = [
      { test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] },
      { test: "ArnLike", variable: "aws:SourceArn", values: [account.arn("cloudwatch", region, "alarm:*")] },
    ];

    this.key = new CustomerKey(this, "key", {
      provider,
      account,
      description: `threat-alerts ${project}: encrypts the delivery-health topic in ${region}`,
      alias: names.healthKeyAlias(project),
      statements: [
        {
          sid: "AccountAlarmsEncrypt",
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
          resources: ["*"],
          condition: [alarmsOfThisAccount[0]],
        },
      ],
    }).key;

    this.topic = new SnsTopic(this, "topic", {
      provider,
      name: names.healthTopic(project),
      displayName: `threat-alerts ${project} delivery health`,
      kmsMasterKeyId: this.key.arn,
    });

    const policy = new DataAwsIamPolicyDocument(this, "topic-policy", {
      provider,
      statement: [
        accountManagesTopic(account, this.topic.arn),
        {
          sid: "AccountAlarmsPublish",
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          condition: alarmsOfThisAccount,
        },
        denyInsecurePublish(this.topic.arn),
      ],
    });
    new SnsTopicPolicy(this, "topic-policy-attachment", { provider, arn: this.topic.arn, policy: policy.json });

    for (const email of props.emails ?? []) {
      new SnsTopicSubscription(this, `email-${email}`, { provider, topicArn: this.topic.arn, protocol: "email", endpoint: email });
    }
  }
}
