/**
 * Construct ids are a contract: a resource whose address changes is destroyed and created again
 * in AWS (a new KMS key, a new topic that loses its email confirmations, a new detector).
 * This compares every stack's resource addresses with the committed lists in
 * `__tests__/fixtures/resource-addresses/`. A removed or renamed address fails; move an id with
 * cdktf's `moveTo` instead. A new address fails too until the list is updated, so additions
 * show in review: `UPDATE_ADDRESSES=1 npx jest resource-addresses`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../../config/load";
import { synthConfig, type TfJson } from "../helpers/synth";

const LISTS = join(__dirname, "..", "fixtures", "resource-addresses");
const EXAMPLE = readFileSync(join(__dirname, "..", "..", "threat-alerts.yaml"), "utf8");

/** A multi-account, multi-region config with every optional construct on. */
const FULL = `
project: acme
homeRegion: eu-west-1
regions: [eu-west-1, us-east-1, ap-southeast-2]
accounts:
  - { name: prod, id: "111111111111", assumeRoleArn: "arn:aws:iam::111111111111:role/ThreatAlertsDeploy" }
  - { name: dev, id: "222222222222" }
guardduty:
  minSeverity: MEDIUM
  features: { runtimeMonitoring: true }
  export: { retentionDays: 365 }
  suppress: [{ name: internal-scanner, reason: authorised scans, findingTypes: [Recon:EC2/PortProbeUnprotectedPort] }]
  trustedIps: ["198.51.100.0/24"]
notifications:
  emails: [security@example.com, oncall@example.com]
  chatbot: { slackTeamId: T0123ABCD, slackChannelId: C0123ABCD }
  slack:
    webhookParameter: /threat-alerts/slack-webhook
    routes: [{ minSeverity: CRITICAL, webhookParameter: /threat-alerts/slack-oncall }]
cloudtrail:
  createTrail: true
  consoleLogin: { allowedIps: ["203.0.113.10", "198.51.100.0/24"] }
awsConfig:
  managedRules: [restricted-ssh, iam-root-access-key-check]
  createRecorder: true
securityHub: { minSeverity: HIGH }
`;

/** Organization mode: management stack, the administrator's stack, a member that keeps its stack. */
const ORG = `
project: acme
homeRegion: eu-west-1
regions: [eu-west-1, us-east-1]
accounts:
  - { name: security, id: "222222222222" }
  - { name: prod, id: "333333333333" }
  - { name: dev, id: "444444444444" }
organization:
  managementAccount: { id: "999999999999" }
  delegatedAdmin: security
  memberStacks: [prod]
guardduty:
  features: { runtimeMonitoring: true }
notifications:
  emails: [security@example.com]
  slack: { webhookParameter: /threat-alerts/slack-webhook }
`;

const CONFIGS: Record<string, string> = { example: EXAMPLE, full: FULL, org: ORG };

function addresses(stack: TfJson): string[] {
  return Object.entries(stack.resource ?? {})
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}

describe.each(Object.keys(CONFIGS))("resource addresses of the %s config", (configName) => {
  const out = synthConfig(parseConfig(CONFIGS[configName], `${configName}.yaml`));
  afterAll(() => out.cleanup());

  test.each(Object.keys(out.stacks))("stack %s keeps every committed address and adds none unreviewed", (stackName) => {
    const file = join(LISTS, `${configName}.${stackName}.txt`);
    const actual = addresses(out.stacks[stackName]);
    if (process.env.UPDATE_ADDRESSES === "1") writeFileSync(file, actual.join("\n") + "\n");
    expect(existsSync(file)).toBe(true);
    const committed = readFileSync(file, "utf8").split("\n").filter(Boolean);
    const missing = committed.filter((a) => !actual.includes(a));
    const added = actual.filter((a) => !committed.includes(a));
    // Missing: a replaced resource in AWS (use moveTo). Added: update the list so review sees it.
    expect({ missing, added }).toEqual({ missing: [], added: [] });
  });

  test("every committed list still has its stack", () => {
    const prefix = `${configName}.`;
    const lists = readdirSync(LISTS)
      .filter((f) => f.startsWith(prefix))
      .map((f) => f.slice(prefix.length, -".txt".length));
    expect(lists.sort()).toEqual(Object.keys(out.stacks).sort());
  });
});
