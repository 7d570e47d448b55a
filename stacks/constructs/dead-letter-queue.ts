/**
 * A dead-letter queue for an AWS service that could not deliver an alert (EventBridge for a rule's
 * target, SNS for a subscription), with a queue policy that admits only that service for the given
 * sources and an alarm on anything waiting in it.
 *
 * Encrypted with SQS-managed keys (SSE-SQS), not a customer key: a KMS key policy is exactly what
 * may have broken when events land here, and SSE-SQS needs no grant to the sending service.
 * EventBridge and SNS only need a key grant for SSE-KMS queues (and refuse the AWS-managed
 * `alias/aws/sqs` key): https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html,
 * https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
 */
import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";

/** Messages wait two weeks, the SQS maximum: long enough to fix the cause over a holiday and replay. */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;

export interface DeadLetterQueueProps {
  /** The provider of the sender's region: a DLQ must be in the same region as its rule or subscription. */
  readonly provider: AwsProvider;
  /** The queue name; the alarm is `<name>-waiting`. */
  readonly name: string;
  /** The service that sends here: `events.amazonaws.com` or `sns.amazonaws.com`. */
  readonly sender: "events.amazonaws.com" | "sns.amazonaws.com";
  /** What is sending (rule or topic ARNs, same region): the only `aws:SourceArn`s the queue accepts. */
  readonly sourceArns: readonly string[];
  /** What a waiting message means and how to replay it (alarm description, at most 1024 characters). */
  readonly alarmDescription: string;
  /** Topics the alarm notifies (in the queue's region). */
  readonly alarmTopicArns: readonly string[];
}

export class DeadLetterQueue extends Construct {
  /** The queue (SSE-SQS, 14 days' retention). */
  readonly queue: SqsQueue;
  /** Alarms while anything waits in the queue. */
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    const { provider } = props;

    this.queue = new SqsQueue(this, "queue", {
      provider,
      name: props.name,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
    });

    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      provider,
      statement: [
        {
          sid: "SenderDeadLetters",
          principals: [{ type: "Service", identifiers: [props.sender] }],
          actions: ["sqs:SendMessage"],
          resources: [this.queue.arn],
          condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [...props.sourceArns] }],
        },
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["sqs:*"],
          resources: [this.queue.arn],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new SqsQueuePolicy(this, "policy-attachment", { provider, queueUrl: this.queue.url, policy: policy.json });

    // SQS reports queue metrics every five minutes while a queue is active; an idle, empty queue
    // reports nothing, which is not breaching.
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/dead-letter-queues-alarms-cloudwatch.html
    this.alarm = new CloudwatchMetricAlarm(this, "alarm", {
      provider,
      alarmName: `${props.name}-waiting`,
      alarmDescription: props.alarmDescription,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: this.queue.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [...props.alarmTopicArns],
    });
  }
}
