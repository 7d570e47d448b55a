import { blocks, referencedAddress, type Rule } from "./rule";

const FLAGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

export const s3PublicAccessBlocked: Rule = {
  id: "TA-S3-1",
  description: "S3 buckets block every kind of public access",
  check: (stack) => {
    const blocked = new Set(
      blocks(stack, "aws_s3_bucket_public_access_block")
        .filter(([, b]) => FLAGS.every((f) => b[f] === true))
        .map(([, b]) => referencedAddress(b.bucket)),
    );
    return blocks(stack, "aws_s3_bucket").map(([address]) => {
      const ok = blocked.has(address);
      return {
        rule: "TA-S3-1",
        address,
        verdict: ok ? "compliant" : "non-compliant",
        message: ok ? "public access blocked" : `add an aws_s3_bucket_public_access_block with ${FLAGS.join(", ")} = true`,
      };
    });
  },
};
