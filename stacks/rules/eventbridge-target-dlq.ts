import { blocks, type Rule } from "./rule";

/**
 * EventBridge drops an event it cannot deliver once retries end, and at once on a permission or KMS
 * error, unless the target has a dead-letter queue.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export const eventBridgeTargetDlq: Rule = {
  id: "TA-EB1",
  description: "EventBridge targets have a dead-letter queue and an explicit retry policy",
  check: (stack) =>
    blocks(stack, "aws_cloudwatch_event_target").map(([address, t]) => {
      const deadLetter = (t.dead_letter_config ?? {}) as { arn?: unknown };
      const retryPolicy = (t.retry_policy ?? {}) as { maximum_event_age_in_seconds?: unknown; maximum_retry_attempts?: unknown };
      const dlq = typeof deadLetter.arn === "string" && deadLetter.arn !== "";
      const retry = typeof retryPolicy.maximum_event_age_in_seconds === "number" && typeof retryPolicy.maximum_retry_attempts === "number";
      const missing = [
        dlq ? undefined : "dead_letter_config { arn = an SQS queue in the rule's region }",
        retry ? undefined : "retry_policy { maximum_event_age_in_seconds, maximum_retry_attempts }",
      ].filter(Boolean);
      return {
        rule: "TA-EB1",
        address,
        verdict: missing.length === 0 ? ("compliant" as const) : ("non-compliant" as const),
        message:
          missing.length === 0
            ? "dead-letter queue and retry policy"
            : `add ${missing.join(" and ")} (AlertRule in stacks/constructs/alert-rule.ts does both)`,
      };
    }),
};
