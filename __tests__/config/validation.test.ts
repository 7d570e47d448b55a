import { ConfigError, parseConfig } from "../../config/load";

const VALID = `
project: acme
homeRegion: us-east-1
regions: [us-east-1, eu-west-1]
`;

/** The problems a config produces, or [] when it is valid. */
function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, "test.yaml");
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
}

/** Adds top-level YAML to the valid base. */
const withBase = (extra: string) => `${VALID}${extra}\n`;

/** The valid base plus a notification target (a config that alerts nobody is refused). */
const NOTIFIED = withBase("notifications: { emails: [security@example.com] }");
/** Adds top-level YAML to the valid base with a notification target. */
const notifiedWith = (extra: string) => `${NOTIFIED}${extra}\n`;

describe("config validation", () => {
  test("the base config is valid and gets its defaults", () => {
    const c = parseConfig(NOTIFIED);
    expect(c.guardduty).toEqual({
      manageDetector: true,
      minSeverity: "HIGH",
      findingPublishingFrequency: "FIFTEEN_MINUTES",
      features: {
        s3DataEvents: true,
        eksAuditLogs: true,
        ebsMalwareProtection: true,
        rdsLoginEvents: true,
        lambdaNetworkLogs: true,
        runtimeMonitoring: false,
      },
      existingDetectors: {},
    });
    expect(c.backend).toEqual({ type: "local" });
    expect(c.accounts).toEqual([{}]);
    expect(c.notifications.emails).toEqual(["security@example.com"]);
  });

  test("regions: all means the 17 default regions", () => {
    expect(parseConfig(NOTIFIED.replace("[us-east-1, eu-west-1]", "all")).regions).toHaveLength(17);
  });

  // [what, config, the path the message must name, a word of the fix]
  const failing: Array<[string, string, string, RegExp]> = [
    ["project missing", "homeRegion: us-east-1\nregions: [us-east-1]\n", "project", /required/],
    ["project with capitals", VALID.replace("project: acme", "project: Acme_Corp"), "project", /lowercase/],
    [
      "project too long for the S3 bucket name",
      VALID.replace("project: acme", `project: ${"a".repeat(40)}`),
      "project",
      /at most 39.*S3 bucket/,
    ],
    ["unknown region", VALID.replace("eu-west-1]", "eu-west-9]"), "regions[1]", /not an AWS region/],
    ["duplicate region", VALID.replace("eu-west-1]", "eu-west-1, us-east-1]"), "regions[2]", /listed twice/],
    ["empty regions", VALID.replace("[us-east-1, eu-west-1]", "[]"), "regions", /at least one/],
    ["homeRegion not in regions", VALID.replace("homeRegion: us-east-1", "homeRegion: eu-central-1"), "homeRegion", /not one of regions/],
    ["unknown top-level key (typo)", withBase("guarduty: {}"), "guarduty", /unknown key; did you mean "guardduty"/],
    ["unknown nested key", withBase("guardduty: { minSeverty: HIGH }"), "guardduty.minSeverty", /did you mean "minSeverity"/],
    ["account id as a YAML number", withBase("accounts: [{ name: prod, id: 111111111111 }]"), "accounts[0].id", /quoted string/],
    ["account id of 11 digits", withBase(`accounts: [{ name: prod, id: "11111111111" }]`), "accounts[0].id", /12 digits/],
    ["account name with spaces", withBase(`accounts: [{ name: "my prod", id: "111111111111" }]`), "accounts[0].name", /lowercase/],
    [
      "duplicate account names",
      withBase(`accounts: [{ name: prod, id: "111111111111" }, { name: prod, id: "222222222222" }]`),
      "accounts[1].name",
      /unique/,
    ],
    [
      "duplicate account ids",
      withBase(`accounts: [{ name: prod, id: "111111111111" }, { name: dev, id: "111111111111" }]`),
      "accounts[1].id",
      /one entry/,
    ],
    [
      "role ARN of another account",
      withBase(`accounts: [{ name: prod, id: "111111111111", assumeRoleArn: "arn:aws:iam::222222222222:role/X" }]`),
      "accounts[0].assumeRoleArn",
      /role is in account 222222222222/,
    ],
    [
      "malformed role ARN",
      withBase(`accounts: [{ name: prod, id: "111111111111", assumeRoleArn: "ThreatAlertsDeploy" }]`),
      "accounts[0].assumeRoleArn",
      /IAM role ARN/,
    ],
    ["empty accounts list", withBase("accounts: []"), "accounts", /at least one account/],
    ["severity word", withBase("guardduty: { minSeverity: SEVERE }"), "guardduty.minSeverity", /LOW, MEDIUM, HIGH or CRITICAL/],
    ["severity above 10", withBase("guardduty: { minSeverity: 11 }"), "guardduty.minSeverity", /1 to 10/],
    ["severity 0", withBase("guardduty: { minSeverity: 0 }"), "guardduty.minSeverity", /1 to 10/],
    [
      "publishing frequency",
      withBase("guardduty: { findingPublishingFrequency: HOURLY }"),
      "guardduty.findingPublishingFrequency",
      /ONE_HOUR/,
    ],
    [
      "feature not a boolean",
      withBase("guardduty: { features: { s3DataEvents: yes please } }"),
      "guardduty.features.s3DataEvents",
      /boolean/,
    ],
    ["email address", withBase("notifications: { emails: [security-at-example.com] }"), "notifications.emails[0]", /email address/],
    [
      "Slack team id",
      withBase("notifications: { chatbot: { slackTeamId: acme, slackChannelId: C0123ABCD } }"),
      "notifications.chatbot.slackTeamId",
      /T0123ABCD/,
    ],
    [
      "Slack channel name instead of id",
      withBase(`notifications: { chatbot: { slackTeamId: T0123ABCD, slackChannelId: "#general" } }`),
      "notifications.chatbot.slackChannelId",
      /is a channel name; use the channel id/,
    ],
    [
      "AdministratorAccess guardrail",
      withBase(
        `notifications: { chatbot: { slackTeamId: T0123ABCD, slackChannelId: C0123ABCD, guardrailPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } }`,
      ),
      "notifications.chatbot.guardrailPolicyArns[0]",
      /read-only/,
    ],
    ["s3 backend without settings", withBase("backend: { type: s3 }"), "backend.s3", /bucket/],
    ["cloud backend without settings", withBase("backend: { type: cloud }"), "backend.cloud", /organization/],
    [
      "s3 settings with another type",
      withBase("backend: { type: local, s3: { bucket: my-tfstate, region: us-east-1 } }"),
      "backend.s3",
      /set type: s3/,
    ],
    ["unknown backend type", withBase("backend: { type: consul }"), "backend.type", /local, s3 or cloud/],
    [
      "s3 bucket name",
      withBase("backend: { type: s3, s3: { bucket: My_Bucket, region: us-east-1 } }"),
      "backend.s3.bucket",
      /S3 bucket name/,
    ],
    [
      "s3 backend region",
      withBase("backend: { type: s3, s3: { bucket: my-tfstate, region: useast1 } }"),
      "backend.s3.region",
      /not an AWS region/,
    ],
    [
      "Slack webhook URL instead of a parameter name",
      withBase(`notifications: { slack: { webhookParameter: "https://hooks.example.com/services/x" } }`),
      "notifications.slack.webhookParameter",
      /SSM parameter name/,
    ],
    [
      "cloudtrail with neither log group nor trail",
      withBase("cloudtrail: { cisAlarms: strict }"),
      "cloudtrail.logGroup",
      /createTrail: true/,
    ],
    [
      "cloudtrail with both",
      withBase("cloudtrail: { logGroup: { name: trail-logs }, createTrail: true }"),
      "cloudtrail.createTrail",
      /not both/,
    ],
    [
      "cloudtrail log group outside regions",
      withBase("cloudtrail: { logGroup: { name: trail-logs, region: ap-south-1 } }"),
      "cloudtrail.logGroup.region",
      /not one of regions/,
    ],
    [
      "cloudtrail alarm override of an unknown alarm",
      withBase("cloudtrail: { logGroup: { name: trail-logs }, alarms: { RootUsage: { enabled: false } } }"),
      "cloudtrail.alarms.RootUsage",
      /did you mean "RootAccountUsage"/,
    ],
    [
      "console allow-list CIDR not on an octet boundary",
      withBase(`cloudtrail: { logGroup: { name: trail-logs }, consoleLogin: { allowedIps: ["10.0.0.0/12"] } }`),
      "cloudtrail.consoleLogin.allowedIps[0]",
      /Split 10\.0\.0\.0\/12 into 16 \/16s .* or widen it to 10\.0\.0\.0\/8/,
    ],
    [
      "console allow-list entry that is not an address",
      withBase(`cloudtrail: { logGroup: { name: trail-logs }, consoleLogin: { allowedIps: ["office"] } }`),
      "cloudtrail.consoleLogin.allowedIps[0]",
      /not an IP address/,
    ],
    [
      "a duplicated email address (any case)",
      withBase("notifications: { emails: [soc@example.com, SOC@example.com] }"),
      "notifications.emails[1]",
      /listed twice/,
    ],
    [
      "two Slack routes with the same floor",
      withBase(
        "notifications: { slack: { webhookParameter: /a, routes: [{ minSeverity: 9, webhookParameter: /b }, { minSeverity: CRITICAL, webhookParameter: /c }] } }",
      ),
      "notifications.slack.routes[1].minSeverity",
      /already starts at severity 9/,
    ],
    [
      "a notifier reserved concurrency of 0",
      withBase("notifications: { slack: { webhookParameter: /a, reservedConcurrency: 0 } }"),
      "notifications.slack.reservedConcurrency",
      /or false/,
    ],
    [
      "PowerUserAccess as a guardrail",
      withBase(
        `notifications: { chatbot: { slackTeamId: T0123ABCD, slackChannelId: C0123ABCD, guardrailPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] } }`,
      ),
      "notifications.chatbot.guardrailPolicyArns[0]",
      /PowerUserAccess would let anyone/,
    ],
    [
      "an alarm period that is not whole minutes",
      withBase("cloudtrail: { logGroup: { name: t }, alarms: { VpcChanges: { periodSec: 30 } } }"),
      "cloudtrail.alarms.VpcChanges.periodSec",
      /multiple of 60/,
    ],
    [
      "an alarm evaluating more than a day",
      withBase("cloudtrail: { logGroup: { name: t }, alarms: { VpcChanges: { periodSec: 3600, evaluationPeriods: 25 } } }"),
      "cloudtrail.alarms.VpcChanges",
      /at most 86400/,
    ],
    [
      "a Terraform Cloud workspace name over 90 characters",
      withBase(`backend: { type: cloud, cloud: { organization: o, workspacePrefix: ${"w".repeat(88)} } }`),
      "backend.cloud.workspacePrefix",
      /90/,
    ],
    [
      "an adopted detector in an account not in accounts",
      withBase(
        `accounts: [{ name: prod, id: "111111111111" }]\nguardduty: { existingDetectors: { staging: { us-east-1: ${"a".repeat(32)} } } }`,
      ),
      "guardduty.existingDetectors.staging",
      /not an account name; use one of prod/,
    ],
    [
      "an adopted detector under an account name when the stack is the credentials' own account",
      withBase(`guardduty: { existingDetectors: { prod: { us-east-1: ${"a".repeat(32)} } } }`),
      "guardduty.existingDetectors.prod",
      /write default/,
    ],
    [
      "an adopted detector in a region not in regions",
      withBase(`guardduty: { existingDetectors: { default: { eu-north-1: ${"a".repeat(32)} } } }`),
      "guardduty.existingDetectors.default.eu-north-1",
      /not one of regions; add it to regions/,
    ],
    [
      "an adopted detector in a region that does not exist",
      withBase(`guardduty: { existingDetectors: { default: { eu-norht-1: ${"a".repeat(32)} } } }`),
      "guardduty.existingDetectors.default.eu-norht-1",
      /not an AWS region name; use one of us-east-1, eu-west-1/,
    ],
    [
      "a malformed detector id",
      withBase(`guardduty: { existingDetectors: { default: { us-east-1: 6ab0c1d2-e3f4 } } }`),
      "guardduty.existingDetectors.default.us-east-1",
      /not a GuardDuty detector id \(32 lowercase hex/,
    ],
    [
      "a detector id in upper case",
      withBase(`guardduty: { existingDetectors: { default: { us-east-1: ${"A".repeat(32)} } } }`),
      "guardduty.existingDetectors.default.us-east-1",
      /lower case; write a{32}/,
    ],
    [
      "adoption together with manageDetector: false",
      withBase(`guardduty: { manageDetector: false, existingDetectors: { default: { us-east-1: ${"a".repeat(32)} } } }`),
      "guardduty.existingDetectors.default",
      /manageDetector is false.*set manageDetector: true/,
    ],
  ];

  test.each(failing)("refuses %s, naming the field and the fix", (_what, yaml, path, fix) => {
    const found = problems(yaml);
    const hit = found.find((p) => p.startsWith(`${path}:`));
    if (!hit) throw new Error(`expected a problem at ${path}, got:\n${found.join("\n")}`);
    expect(hit).toMatch(fix);
  });

  test("reports every problem of a config in one run", () => {
    const found = problems(`
project: Acme
homeRegion: us-east-9
regions: [us-east-1, us-east-1]
guardduty: { minSeverity: 12 }
notifications: { emails: [nope] }
backend: { type: s3 }
`);
    expect(found.map((p) => p.split(":")[0]).sort()).toEqual(
      ["backend.s3", "guardduty.minSeverity", "homeRegion", "notifications.emails[0]", "project", "regions[1]"].sort(),
    );
  });

  test("a refused allow-list entry is reported in the same run as the other problems", () => {
    const found = problems(`
project: Acme
homeRegion: us-east-1
regions: [us-east-1]
notifications: { emails: [security@example.com] }
cloudtrail: { logGroup: { name: t }, consoleLogin: { allowedIps: ["10.0.0.0/12", "203.0.113.7"] } }
`);
    expect(found.map((p) => p.split(":")[0]).sort()).toEqual(["cloudtrail.consoleLogin.allowedIps[0]", "project"]);
  });

  test("a YAML syntax error gives its line and column", () => {
    const found = problems("project: acme\nregions: [us-east-1\nhomeRegion: us-east-1\n");
    expect(found[0]).toMatch(/^YAML syntax error at line \d+, column \d+: /);
  });

  test("a duplicated YAML key is an error, not a silent override", () => {
    expect(problems(`${VALID}project: other\n`)[0]).toMatch(/YAML syntax error at line 5.*unique/i);
  });

  test("an empty file is refused", () => {
    expect(problems("")).toEqual(["the file is empty; start from threat-alerts.yaml"]);
  });

  test("an empty console allow-list is accepted with a warning: every console login alarms", () => {
    const c = parseConfig(`${NOTIFIED}cloudtrail: { logGroup: { name: trail-logs }, consoleLogin: { allowedIps: [] } }\n`);
    expect(c.warnings.join("\n")).toMatch(/allowedIps is empty/);
    expect(c.logAlarms?.specs.map((s) => s.name)).toContain("ConsoleLoginOutsideAllowList");
  });

  test("cloudtrail alarms live in the log group's region, which defaults to homeRegion", () => {
    expect(parseConfig(`${NOTIFIED}cloudtrail: { logGroup: { name: trail-logs } }\n`).logAlarms?.region).toBe("us-east-1");
    expect(parseConfig(`${NOTIFIED}cloudtrail: { logGroup: { name: trail-logs, region: eu-west-1 } }\n`).logAlarms?.region).toBe(
      "eu-west-1",
    );
    expect(parseConfig(NOTIFIED).logAlarms).toBeUndefined();
  });

  test("valid settings of every section pass", () => {
    expect(
      problems(`${VALID}
accounts:
  - { name: prod, id: "111111111111", assumeRoleArn: "arn:aws:iam::111111111111:role/ThreatAlertsDeploy" }
guardduty: { minSeverity: 7.5, findingPublishingFrequency: SIX_HOURS, features: { runtimeMonitoring: true } }
notifications:
  emails: [security@example.com]
  chatbot: { slackTeamId: T0123ABCD, slackChannelId: C0123ABCD, guardrailPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }
  slack: { webhookParameter: /threat-alerts/slack-webhook, routes: [{ minSeverity: CRITICAL, webhookParameter: /threat-alerts/oncall }] }
  accountNames: { "111111111111": prod }
cloudtrail: { logGroup: { name: aws-cloudtrail-logs, region: eu-west-1 }, cisAlarms: tuned, alarms: { VpcChanges: { enabled: false } } }
backend: { type: s3, s3: { bucket: my-tfstate, region: us-east-1, dynamodbTable: tf-locks } }
`),
    ).toEqual([]);
  });

  test("backend settings stay under their type's name in YAML and parse to that type only", () => {
    const s3 = parseConfig(notifiedWith("backend: { type: s3, s3: { bucket: my-tfstate, region: us-east-1 } }")).backend;
    expect(s3).toEqual({ type: "s3", s3: { bucket: "my-tfstate", region: "us-east-1", keyPrefix: "threat-alerts" } });
    const cloud = parseConfig(notifiedWith("backend: { type: cloud, cloud: { organization: my-org } }")).backend;
    expect(cloud).toEqual({ type: "cloud", cloud: { organization: "my-org", workspacePrefix: "threat-alerts-" } });
    expect(parseConfig(notifiedWith("backend: {}")).backend).toEqual({ type: "local" });
  });

  test("the CloudTrail section parses to one log source: an existing log group, or a created trail", () => {
    const existing = parseConfig(notifiedWith("cloudtrail: { logGroup: { name: trail-logs } }")).cloudtrail;
    expect(existing).toMatchObject({ createTrail: false, logGroup: { name: "trail-logs" } });
    const created = parseConfig(notifiedWith("cloudtrail: { createTrail: true }")).cloudtrail;
    expect(created).toMatchObject({ createTrail: true });
    expect(created).not.toHaveProperty("logGroup");
  });

  test("section rules and cross-section rules report in the same run as field errors", () => {
    const found = problems(`
project: acme
homeRegion: us-east-1
regions: [us-east-1]
guardduty: { minSeverity: 12, existingDetectors: { prod: { us-east-1: ${"a".repeat(32)} } } }
notifications: { emails: [a@example.com, A@example.com, nope] }
cloudtrail: { logGroup: { name: t, region: eu-west-1 }, createTrail: true, cisAlarms: loose }
backend: { type: s3, cloud: { organization: 5 } }
`);
    expect(found.map((p) => p.split(":")[0]).sort()).toEqual(
      [
        "backend.cloud",
        "backend.cloud.organization",
        "backend.s3",
        "cloudtrail.cisAlarms",
        "cloudtrail.createTrail",
        "cloudtrail.logGroup.region",
        "guardduty.existingDetectors.prod",
        "guardduty.minSeverity",
        "notifications.emails[1]",
        "notifications.emails[2]",
      ].sort(),
    );
  });

  test("adopting detectors of the credentials' own account (default) or of a listed account passes", () => {
    const id = "6ab0c1d2e3f4a5b6c7d8e9f0a1b2c3d4";
    expect(problems(notifiedWith(`guardduty: { existingDetectors: { default: { eu-west-1: ${id} } } }`))).toEqual([]);
    const c = parseConfig(
      notifiedWith(`accounts: [{ name: prod, id: "111111111111" }]\nguardduty: { existingDetectors: { prod: { us-east-1: ${id} } } }`),
    );
    expect(c.guardduty.existingDetectors).toEqual({ prod: { "us-east-1": id } });
  });
});
