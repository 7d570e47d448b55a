import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, describeConfigSource, parseConfig } from "../../config/load";

const BASE = `
project: acme
homeRegion: us-east-1
regions: [us-east-1, eu-west-1]
`;
const EMAIL = "notifications: { emails: [security@example.com] }\n";

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, "test.yaml");
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
}

describe("refusals that keep a first deploy from building something useless", () => {
  // [what, yaml, the path the message must name, a word of the fix, a passing neighbour]
  const cases: Array<[string, string, string, RegExp, string]> = [
    ["no notification target at all", BASE, "notifications", /emails.*chatbot.*slack/, `${BASE}${EMAIL}`],
    [
      "a notifications section with nothing in it",
      `${BASE}notifications: { emails: [], accountNames: { "111111111111": prod } }\n`,
      "notifications",
      /no one would be alerted/,
      `${BASE}notifications: { chatbot: { slackTeamId: T0123ABCD, slackChannelId: C0123ABCD } }\n`,
    ],
    [
      "an opt-in homeRegion with the Slack notifier and other regions",
      "project: acme\nhomeRegion: me-central-1\nregions: [me-central-1, eu-west-1]\nnotifications: { slack: { webhookParameter: /a/b } }\n",
      "homeRegion",
      /opt-in region.*SNS does not deliver.*eu-west-1.*pick a region enabled by default/,
      "project: acme\nhomeRegion: eu-west-1\nregions: [me-central-1, eu-west-1]\nnotifications: { slack: { webhookParameter: /a/b } }\n",
    ],
    [
      "a second account without a name",
      `${BASE}${EMAIL}accounts: [{ id: "111111111111" }, { id: "222222222222" }]\n`,
      "accounts[1].name",
      /accounts\[0\] has no name.*"acme"/,
      `${BASE}${EMAIL}accounts: [{ id: "111111111111" }, { name: dev, id: "222222222222" }]\n`,
    ],
  ];

  test.each(cases)("refuses %s, naming the field and the fix; its neighbour passes", (_what, yaml, path, fix, passing) => {
    const hit = problems(yaml).find((p) => p.startsWith(`${path}:`));
    expect(hit).toMatch(fix);
    expect(problems(passing)).toEqual([]);
  });

  test("the one unnamed account adopts detectors under the key default, like the credentials' own account", () => {
    const id = "6ab0c1d2e3f4a5b6c7d8e9f0a1b2c3d4";
    const c = parseConfig(
      `${BASE}${EMAIL}accounts: [{ id: "111111111111" }]\nguardduty: { existingDetectors: { default: { eu-west-1: ${id} } } }\n`,
    );
    expect(c.accounts).toEqual([{ id: "111111111111" }]);
    expect(
      problems(
        `${BASE}${EMAIL}accounts: [{ name: prod, id: "111111111111" }]\nguardduty: { existingDetectors: { default: { eu-west-1: ${id} } } }\n`,
      ),
    ).toEqual([expect.stringMatching(/^guardduty\.existingDetectors\.default: "default" is not an account name/)]);
  });

  test("an opt-in homeRegion is fine without the Slack notifier, and with it when no other region would deliver", () => {
    expect(problems("project: acme\nhomeRegion: me-central-1\nregions: [me-central-1, eu-west-1]\n" + EMAIL)).toEqual([]);
    expect(
      problems("project: acme\nhomeRegion: me-central-1\nregions: [me-central-1]\nnotifications: { slack: { webhookParameter: /a/b } }\n"),
    ).toEqual([]);
  });
});

describe("messages for the mistakes newcomers make", () => {
  // [what, yaml, the path the message must name, the words that explain it]
  const cases: Array<[string, string, string, RegExp]> = [
    [
      "#channel read as a YAML comment",
      `${BASE}notifications:\n  chatbot:\n    slackTeamId: T0123ABCD\n    slackChannelId: #security\n`,
      "notifications.chatbot.slackChannelId",
      /empty, because YAML reads "#security" as a comment; use the channel id like C0123ABCD/,
    ],
    [
      "an unquoted account id key that loses its leading zero",
      `${BASE}notifications:\n  emails: [security@example.com]\n  accountNames: { 012345678901: prod }\n`,
      "notifications.accountNames",
      /012345678901 is unquoted.*number 12345678901.*quote account ids: "012345678901"/,
    ],
    [
      "yes for a boolean",
      `${BASE}${EMAIL}guardduty: { features: { s3DataEvents: yes } }\n`,
      "guardduty.features.s3DataEvents",
      /"yes" is text in YAML 1\.2.*true or false/,
    ],
    ["an uppercase region code", BASE.replace("eu-west-1]", "EU-WEST-1]") + EMAIL, "regions[1]", /lowercase; write eu-west-1/],
    ["regions: [all]", BASE.replace("[us-east-1, eu-west-1]", "[all]") + EMAIL, "regions[0]", /regions: all without brackets/],
    ["a GovCloud region", BASE.replace("eu-west-1]", "us-gov-west-1]") + EMAIL, "regions[1]", /GovCloud \(US\) region: not supported yet/],
    ["a China region", BASE.replace("eu-west-1]", "cn-north-1]") + EMAIL, "regions[1]", /China region: not supported yet/],
  ];

  test.each(cases)("%s: names the field and says why", (_what, yaml, path, why) => {
    const found = problems(yaml);
    const hit = found.find((p) => p.startsWith(`${path}:`));
    if (!hit) throw new Error(`expected a problem at ${path}, got:\n${found.join("\n")}`);
    expect(hit).toMatch(why);
  });

  test("#channel inside a flow map breaks the YAML: the syntax error says why; other syntax errors do not", () => {
    const [flow] = problems(`${BASE}notifications:\n  chatbot: { slackTeamId: T0123ABCD, slackChannelId: #security }\n`);
    expect(flow).toMatch(/^YAML syntax error .*a # after a space starts a comment, so quote values like "#security"$/);
    const [other] = problems("project: acme\nregions: [us-east-1\nhomeRegion: us-east-1\n");
    expect(other).toMatch(/^YAML syntax error/);
    expect(other).not.toMatch(/comment/);
  });

  test("regions: [all] and yes for createTrail cause no follow-on problems elsewhere", () => {
    expect(problems(BASE.replace("[us-east-1, eu-west-1]", "[all]") + EMAIL)).toHaveLength(1);
    expect(problems(`${BASE}${EMAIL}cloudtrail: { createTrail: yes }\n`)).toHaveLength(1);
  });

  test("an unquoted account id key that keeps its digits is read as the id", () => {
    const c = parseConfig(`${BASE}notifications:\n  emails: [security@example.com]\n  accountNames: { 123456789012: prod }\n`);
    expect(c.notifications.accountNames).toEqual({ "123456789012": "prod" });
  });

  test("the alarm period limit is reported in the same run as every other problem", () => {
    const found = problems(`
project: Acme
homeRegion: us-east-1
regions: [us-east-1]
cloudtrail: { createTrail: true, alarms: { VpcChanges: { periodSec: 3600, evaluationPeriods: 48 } } }
`);
    expect(found.map((p) => p.split(":")[0]).sort()).toEqual(["cloudtrail.alarms.VpcChanges", "notifications", "project"]);
  });
});

describe("warnings and notes (the synth goes on)", () => {
  test("Chatbot topics in regions Chatbot does not serve are named in a warning", () => {
    const c = parseConfig(
      `project: acme\nhomeRegion: us-east-1\nregions: [us-east-1, ap-east-2, ap-southeast-6, me-central-1]\nnotifications: { chatbot: { slackTeamId: T0123ABCD, slackChannelId: C0123ABCD } }\n`,
    );
    expect(c.warnings).toEqual([
      expect.stringMatching(/^notifications\.chatbot: AWS Chatbot does not serve SNS topics in ap-east-2, ap-southeast-6,/),
    ]);
    expect(parseConfig(`${BASE}notifications: { chatbot: { slackTeamId: T0123ABCD, slackChannelId: C0123ABCD } }\n`).warnings).toEqual([]);
  });

  test("a Slack route below guardduty.minSeverity is warned about; one above is not", () => {
    const slack = (floor: string) =>
      `${BASE}guardduty: { minSeverity: HIGH }\nnotifications: { slack: { webhookParameter: /a, routes: [{ minSeverity: ${floor}, webhookParameter: /b }] } }\n`;
    expect(parseConfig(slack("MEDIUM")).warnings).toEqual([
      expect.stringMatching(/^notifications\.slack\.routes\[0\]\.minSeverity: MEDIUM \(4\) is below guardduty\.minSeverity \(HIGH, 7\)/),
    ]);
    expect(parseConfig(slack("CRITICAL")).warnings).toEqual([]);
  });

  test("a DynamoDB lock table is warned about as deprecated; the S3 lockfile is not", () => {
    const s3 = (extra: string) => `${BASE}${EMAIL}backend: { type: s3, s3: { bucket: my-tfstate, region: us-east-1${extra} } }\n`;
    expect(parseConfig(s3(", dynamodbTable: tf-locks")).warnings).toEqual([
      expect.stringMatching(/^backend\.s3\.dynamodbTable: .*deprecated since Terraform 1\.11/),
    ]);
    expect(parseConfig(s3("")).warnings).toEqual([]);
  });
});

describe("the config file in use", () => {
  test("is named with the reason it was chosen", () => {
    expect(describeConfigSource("threat-alerts.yaml", {})).toBe("config threat-alerts.yaml (the default: THREAT_ALERTS_CONFIG is not set)");
    expect(describeConfigSource("prod.yaml", { THREAT_ALERTS_CONFIG: "prod.yaml" })).toBe("config prod.yaml (from THREAT_ALERTS_CONFIG)");
  });

  test("the bundled example pins the documentation account id in one unnamed account, so its stack stays acme", () => {
    const c = parseConfig(readFileSync(join(__dirname, "..", "..", "threat-alerts.yaml"), "utf8"));
    expect(c.accounts).toEqual([{ id: "111111111111" }]);
  });
});

describe("README", () => {
  const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

  test("README and help name no file outside this repository, and help gives diff a stack name", () => {
    const help = readFileSync(join(__dirname, "..", "..", "help"), "utf8");
    for (const text of [readme, help]) expect(text).not.toMatch(/\.\.\/shared/);
    expect(help).toMatch(/npx cdktf diff <stack>/);
  });

  test("the reference config block under Configuration loads as copied", () => {
    const section = readme.split(/^## /m).find((s) => s.startsWith("Configuration\n"));
    const block = /```yaml\n([\s\S]*?)```/.exec(section ?? "")?.[1];
    expect(block).toBeDefined();
    expect(problems(block!)).toEqual([]);
  });
});
