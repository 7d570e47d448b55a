import { blocks, type Rule } from "./rule";

/**
 * SNS drops a message it could not deliver to a subscription once its retries end (at once for a
 * client error such as a missing Lambda permission) unless the subscription has a redrive policy.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html
 */
export const snsLambdaRedrive: Rule = {
  id: "TA-SNS2",
  description: "SNS subscriptions to Lambda functions redrive undeliverable messages to a dead-letter queue",
  check: (stack) =>
    // Other protocols (email) are not this rule's business: no finding for them.
    blocks(stack, "aws_sns_topic_subscription")
      .filter(([, s]) => s.protocol === "lambda")
      .map(([address, s]) => {
        const ok = typeof s.redrive_policy === "string" && s.redrive_policy.includes("deadLetterTargetArn");
        return {
          rule: "TA-SNS2",
          address,
          verdict: ok ? ("compliant" as const) : ("non-compliant" as const),
          message: ok
            ? "redrives to a dead-letter queue"
            : "set redrive_policy = jsonencode({ deadLetterTargetArn = <an SQS queue in the subscription's region> })",
        };
      }),
};
