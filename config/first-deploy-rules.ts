/**
 * Cross-section rules that keep a first deploy from building something that cannot work: a config
 * that alerts nobody, and a notifier SNS cannot reach. Called from config/rules.ts, so they are
 * reported with every other problem; each checks the types it relies on.
 */
import { isOptInRegion, KNOWN_REGIONS, snsToLambda } from "./regions";
import type { AddIssue } from "./sections/common";

interface Loose {
  readonly homeRegion?: unknown;
  readonly notifications?: unknown;
}

export function firstDeployIssues(c: Loose, regions: readonly unknown[], issue: AddIssue): void {
  const n = c.notifications as { emails?: unknown; chatbot?: unknown; slack?: unknown } | null | undefined;
  const emails = Array.isArray(n?.emails) ? n.emails : [];
  if (n !== null && typeof n === "object" && emails.length === 0 && !n.chatbot && !n.slack) {
    issue(
      ["notifications"],
      "no one would be alerted: add at least one of emails: [security@example.com], chatbot: { ... } or slack: { ... }",
    );
  }

  const home = c.homeRegion;
  if (n?.slack && typeof home === "string" && isOptInRegion(home)) {
    const unreachable = regions.filter(
      (r): r is string => typeof r === "string" && KNOWN_REGIONS.has(r) && "unsupported" in snsToLambda(r, home),
    );
    if (unreachable.length > 0)
      issue(
        ["homeRegion"],
        `"${home}" is an opt-in region, and notifications.slack puts the notifier Lambda there: SNS does not deliver to a function in an opt-in region from another region (${unreachable.join(", ")}), so those alerts would never reach Slack (https://docs.aws.amazon.com/sns/latest/dg/lambda-prereq.html); pick a region enabled by default as homeRegion, e.g. eu-central-1 or us-east-1`,
      );
  }
}
