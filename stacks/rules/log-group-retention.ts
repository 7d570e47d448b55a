import { blocks, type Rule } from "./rule";

export const logGroupRetention: Rule = {
  id: "TA-LOG1",
  description: "CloudWatch Logs groups have a retention period (never-expiring logs grow cost silently)",
  check: (stack) =>
    blocks(stack, "aws_cloudwatch_log_group").map(([address, g]) => {
      const ok = typeof g.retention_in_days === "number" && g.retention_in_days > 0;
      return {
        rule: "TA-LOG1",
        address,
        verdict: ok ? "compliant" : "non-compliant",
        message: ok ? `${g.retention_in_days} days` : "set retention_in_days",
      };
    }),
};
