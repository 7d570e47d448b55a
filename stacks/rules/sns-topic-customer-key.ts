import { blocks, type Rule } from "./rule";

/** EventBridge and CloudWatch cannot publish to a topic under the AWS-managed `alias/aws/sns` key. */
export const snsTopicCustomerKey: Rule = {
  id: "TA-SNS1",
  description: "SNS topics are encrypted with a customer-managed KMS key",
  check: (stack) =>
    blocks(stack, "aws_sns_topic").map(([address, topic]) => {
      const key = topic.kms_master_key_id;
      const ok = typeof key === "string" && key.length > 0 && !/alias\/aws\/sns/.test(key);
      return {
        rule: "TA-SNS1",
        address,
        verdict: ok ? "compliant" : "non-compliant",
        message: ok
          ? "encrypted with a customer-managed key"
          : "not encrypted, or under alias/aws/sns which EventBridge and CloudWatch cannot use",
      };
    }),
};
