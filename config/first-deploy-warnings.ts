/**
 * Warnings a synth prints without stopping: something will not work the way the config reads.
 * A pure function of the validated config.
 */
import { CHATBOT_TOPIC_REGIONS } from "./regions";
import { severityFloor, type SeverityWord } from "../detection/severity";
import type { ParsedConfig } from "./schema";

type Input = Pick<ParsedConfig, "guardduty" | "notifications"> & {
  readonly regions: readonly string[];
  readonly backend?: ParsedConfig["backend"];
};

export function firstDeployWarnings(c: Input): string[] {
  const warnings: string[] = [];
  const chatbot = c.notifications.chatbot;
  if (chatbot) {
    const unserved = c.regions.filter((r) => !CHATBOT_TOPIC_REGIONS.has(r));
    if (unserved.length > 0)
      warnings.push(
        `notifications.chatbot: AWS Chatbot does not serve SNS topics in ${unserved.join(", ")}, so alerts from there reach only email and the Slack notifier; their topics are left out of the channel (https://docs.aws.amazon.com/chatbot/latest/adminguide/chatbot-regions.html)`,
      );
  }
  const floor = severityFloor(c.guardduty.minSeverity as SeverityWord | number);
  (c.notifications.slack?.routes ?? []).forEach((r, i) => {
    const routeFloor = severityFloor(r.minSeverity as SeverityWord | number);
    if (routeFloor < floor)
      warnings.push(
        `notifications.slack.routes[${i}].minSeverity: ${String(r.minSeverity)} (${routeFloor}) is below guardduty.minSeverity (${String(c.guardduty.minSeverity)}, ${floor}): GuardDuty sends nothing below ${floor}, so every finding goes to this route's webhook and none to webhookParameter; raise the route's minSeverity above ${floor} or lower guardduty.minSeverity`,
      );
  });
  if (c.backend?.type === "s3" && c.backend.s3.dynamodbTable)
    warnings.push(
      `backend.s3.dynamodbTable: DynamoDB state locking is deprecated since Terraform 1.11; remove dynamodbTable to lock with S3's own lockfile (use_lockfile, Terraform >= 1.10) (https://developer.hashicorp.com/terraform/language/backend/s3)`,
    );
  return warnings;
}
