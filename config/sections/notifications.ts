/** `notifications`: email, AWS Chatbot and the Slack notifier. */
import { z } from "zod";
import { severityFloor, type SeverityWord } from "../../detection/severity";
import { accountId, isString, severity, ssmParameterName, type AddIssue } from "./common";

/** AWS managed policies that can change the account, or grant themselves the power to: never a guardrail. */
const ADMIN_EQUIVALENT_POLICIES = [
  "AdministratorAccess",
  "PowerUserAccess",
  "IAMFullAccess",
  "AWSOrganizationsFullAccess",
  "AdministratorAccess-Amplify",
];

const chatbot = z.strictObject({
  slackTeamId: z.string().regex(/^T[A-Z0-9]{6,}$/, {
    error:
      "use the Slack workspace (team) id, like T0123ABCD: in Slack, open the workspace menu > Settings; or the AWS Chatbot console shows it after you authorize the workspace",
  }),
  slackChannelId: z.string().refine((s) => /^[CG][A-Z0-9]{6,}$/.test(s), {
    error: (issue) =>
      String(issue.input).startsWith("#")
        ? `"${String(issue.input)}" is a channel name; use the channel id like C0123ABCD (in Slack: channel details > About, at the bottom)`
        : "use the Slack channel id like C0123ABCD (in Slack: channel details > About, at the bottom)",
  }),
  guardrailPolicyArns: z
    .array(
      z
        .string()
        .regex(/^arn:(aws|aws-cn|aws-us-gov):iam::(aws|\d{12}):policy\/[\w+=,.@\/-]+$/, {
          error: "use an IAM policy ARN like arn:aws:iam::aws:policy/ReadOnlyAccess",
        })
        .refine((arn) => !ADMIN_EQUIVALENT_POLICIES.some((p) => arn.endsWith(`:policy/${p}`)), {
          error: (issue) =>
            `${String(issue.input).split("/").pop()} would let anyone in the Slack channel change the account; use a read-only policy such as arn:aws:iam::aws:policy/ReadOnlyAccess`,
        }),
    )
    .default([]),
});

const CONCURRENCY_FIX = "use a whole number from 1 to 100, or false to reserve none";
const slack = z.strictObject({
  webhookParameter: ssmParameterName,
  routes: z.array(z.strictObject({ minSeverity: severity, webhookParameter: ssmParameterName })).default([]),
  /**
   * Concurrent notifier runs, to stay near Slack's one message per second per webhook; false
   * reserves none (Lambda refuses any reservation that leaves an account fewer than 10 unreserved).
   */
  reservedConcurrency: z
    .union([z.number().int().min(1, { error: CONCURRENCY_FIX }).max(100, { error: CONCURRENCY_FIX }), z.literal(false)], {
      error: CONCURRENCY_FIX,
    })
    .default(2),
});

export const notifications = z
  .strictObject({
    emails: z.array(z.email({ error: "use an email address like security@example.com" })).default([]),
    chatbot: chatbot.optional(),
    slack: slack.optional(),
    accountNames: z.record(accountId, z.string().min(1).max(64)).default({}),
  })
  // Runs even when a field above failed, so one run reports every problem; each check therefore
  // checks the types it relies on.
  .superRefine(
    (n, ctx) => {
      const issue: AddIssue = (path, message) => ctx.addIssue({ code: "custom", path, message });
      const emails: unknown[] = Array.isArray(n?.emails) ? n.emails : [];
      const seenEmail = new Map<string, number>();
      emails.forEach((e, i) => {
        if (!isString(e)) return;
        const key = e.toLowerCase();
        if (seenEmail.has(key)) issue(["emails", i], `${e} is listed twice (also emails[${seenEmail.get(key)}]); remove one`);
        else seenEmail.set(key, i);
      });
      const routes: Array<{ minSeverity?: unknown }> = Array.isArray(n?.slack?.routes) ? n.slack.routes : [];
      const seenFloor = new Map<number, number>();
      routes.forEach((r, i) => {
        const floor =
          typeof r?.minSeverity === "number" || isString(r?.minSeverity)
            ? severityFloor(r.minSeverity as SeverityWord | number)
            : undefined;
        if (floor === undefined || Number.isNaN(floor)) return;
        if (seenFloor.has(floor))
          issue(
            ["slack", "routes", i, "minSeverity"],
            `routes[${seenFloor.get(floor)}] already starts at severity ${floor}; give each route its own floor`,
          );
        else seenFloor.set(floor, i);
      });
    },
    { when: () => true },
  );
