import { blocks, type Rule } from "./rule";

export const kmsKeyRotation: Rule = {
  id: "TA-KMS1",
  description: "KMS keys rotate automatically",
  check: (stack) =>
    blocks(stack, "aws_kms_key").map(([address, key]) => ({
      rule: "TA-KMS1",
      address,
      verdict: key.enable_key_rotation === true ? "compliant" : "non-compliant",
      message: key.enable_key_rotation === true ? "rotation on" : "set enable_key_rotation = true",
    })),
};
