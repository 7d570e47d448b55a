import { blocks, type Rule } from "./rule";

export const sqsQueueEncrypted: Rule = {
  id: "TA-SQS1",
  description: "SQS queues are encrypted at rest",
  check: (stack) =>
    blocks(stack, "aws_sqs_queue").map(([address, q]) => {
      const ok = q.sqs_managed_sse_enabled === true || (typeof q.kms_master_key_id === "string" && q.kms_master_key_id !== "");
      return {
        rule: "TA-SQS1",
        address,
        verdict: ok ? "compliant" : "non-compliant",
        message: ok ? "encrypted" : "set sqs_managed_sse_enabled or kms_master_key_id",
      };
    }),
};
