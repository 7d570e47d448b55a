import { blocks, type Rule } from "./rule";

/** An alarm nobody hears is not an alert. */
export const alarmHasAction: Rule = {
  id: "TA-CW1",
  description: "CloudWatch alarms notify someone",
  check: (stack) =>
    blocks(stack, "aws_cloudwatch_metric_alarm").map(([address, a]) => {
      const ok = Array.isArray(a.alarm_actions) && a.alarm_actions.length > 0;
      return {
        rule: "TA-CW1",
        address,
        verdict: ok ? "compliant" : "non-compliant",
        message: ok ? "has alarm actions" : "add alarm_actions (the region's alert topic)",
      };
    }),
};
