import { blocks, type Rule } from "./rule";

/** Allow statements granting every action (`*` or `service:*`) on every resource. */
export const iamNoWildcardAdmin: Rule = {
  id: "TA-IAM1",
  description: "Policies do not allow all actions of a service on all resources",
  check: (stack) =>
    blocks(stack, "aws_iam_policy_document", "data").flatMap(([address, doc]) =>
      ((doc.statement ?? []) as Array<Record<string, unknown>>).map((s, i) => {
        const allow = (s.effect ?? "Allow") === "Allow";
        const wildAction = ((s.actions ?? []) as string[]).find((a) => a === "*" || a.endsWith(":*"));
        const allResources = ((s.resources ?? []) as string[]).includes("*");
        const bad = allow && wildAction !== undefined && allResources;
        return {
          rule: "TA-IAM1",
          address: `${address}#${s.sid ?? i}`,
          verdict: bad ? "non-compliant" : "compliant",
          message: bad ? `allows ${wildAction} on *` : "scoped",
        } as const;
      }),
    ),
};
