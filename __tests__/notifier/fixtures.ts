import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

export const FIXTURE_DIR = path.join(__dirname, "..", "fixtures", "events");

export interface Fixture {
  /** Path relative to the fixture dir, e.g. `guardduty/eb_…json`. */
  readonly name: string;
  readonly folder: string;
  readonly file: string;
  readonly json: unknown;
}

/** Every event fixture (SOURCES.md says where each came from). */
export function loadFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const folder of readdirSync(FIXTURE_DIR, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const file of readdirSync(path.join(FIXTURE_DIR, folder.name)).sort()) {
      if (!file.endsWith(".json")) continue;
      const full = path.join(FIXTURE_DIR, folder.name, file);
      out.push({ name: `${folder.name}/${file}`, folder: folder.name, file: full, json: JSON.parse(readFileSync(full, "utf8")) });
    }
  }
  return out;
}

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURE_DIR, name), "utf8"));
}

/** Wraps a payload as the SNS → Lambda event the notifier receives from the alert topic. */
export function snsEvent(...messages: unknown[]): unknown {
  return {
    Records: messages.map((m, i) => ({
      EventSource: "aws:sns",
      EventVersion: "1.0",
      EventSubscriptionArn: "arn:aws:sns:eu-west-1:111111111111:threat-alerts:sub",
      Sns: {
        Type: "Notification",
        MessageId: `msg-${i}`,
        TopicArn: "arn:aws:sns:eu-west-1:111111111111:threat-alerts",
        Subject: null,
        Message: typeof m === "string" ? m : JSON.stringify(m),
        Timestamp: "2024-01-01T00:00:00.000Z",
        SignatureVersion: "1",
        Signature: "EXAMPLE",
        SigningCertUrl: "https://sns.eu-west-1.amazonaws.com/cert.pem",
        UnsubscribeUrl: "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe",
        MessageAttributes: {},
      },
    })),
  };
}

/** The EventBridge envelope GuardDuty puts around a finding. */
export function guardDutyEvent(finding: Record<string, unknown>): Record<string, unknown> {
  return {
    version: "0",
    id: "00000000-0000-0000-0000-000000000000",
    "detail-type": "GuardDuty Finding",
    source: "aws.guardduty",
    account: finding.accountId ?? "111111111111",
    time: "2024-01-01T00:00:00Z",
    region: finding.region ?? "eu-west-1",
    resources: [],
    detail: finding,
  };
}
