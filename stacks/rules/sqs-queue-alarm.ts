import { blocks, type Rule } from "./rule";

/**
 * Every queue here holds alerts that did not arrive (dead-letter and failure queues): one nobody
 * watches is a silent drop with extra steps.
 */
export const sqsQueueAlarm: Rule = {
  id: "TA-SQS2",
  description: "Every SQS queue has an alarm on visible messages",
  check: (stack) => {
    const watched = new Set(
      blocks(stack, "aws_cloudwatch_metric_alarm")
        .filter(([, a]) => a.namespace === "AWS/SQS" && a.metric_name === "ApproximateNumberOfMessagesVisible")
        .map(([, a]) => (a.dimensions as { QueueName?: unknown } | undefined)?.QueueName)
        .filter((q): q is string => typeof q === "string"),
    );
    return blocks(stack, "aws_sqs_queue").map(([address, q]) => {
      const ok = watched.has(`\${${address}.name}`) || (typeof q.name === "string" && watched.has(q.name));
      return {
        rule: "TA-SQS2",
        address,
        verdict: ok ? ("compliant" as const) : ("non-compliant" as const),
        message: ok
          ? "alarm on ApproximateNumberOfMessagesVisible"
          : `add an aws_cloudwatch_metric_alarm on AWS/SQS ApproximateNumberOfMessagesVisible with dimensions { QueueName = ${address}.name } (DeadLetterQueue in stacks/constructs/dead-letter-queue.ts has one)`,
      };
    });
  },
};
