/**
 * The app entry (main.ts) with one extra rule that every EventBridge
 * target breaks: a stand-in for a construct that forgot its dead-letter queue, so the synth-time
 * rule pack's failure path can be run as a real process. Run with bin/run-ts.js.
 */
import { RULES } from "../../stacks/rules";
import type { Rule } from "../../stacks/rules/rule";
import { resolve } from "node:path";
import { main } from "../../main";

export const everyTargetBroken: Rule = {
  id: "TA-TEST",
  description: "fails every EventBridge target",
  check: (stack) =>
    Object.keys(stack.resource?.aws_cloudwatch_event_target ?? {}).map((name) => ({
      rule: "TA-TEST",
      address: `aws_cloudwatch_event_target.${name}`,
      verdict: "non-compliant",
      message: "add the missing piece",
    })),
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === __filename) main({ rules: [...RULES, everyTargetBroken] });
