import { ConfigError, parseConfig } from "../../config/load";
import { organizationRole } from "../../config/sections/organization";

/** Three accounts: the administrator, a member, and the management account (listed for its name). */
const ORG = `
project: acme
homeRegion: eu-west-1
regions: [eu-west-1, us-east-1]
accounts:
  - { name: security, id: "222222222222" }
  - { name: prod, id: "333333333333" }
  - { name: root, id: "999999999999" }
notifications:
  emails: [security@example.com]
organization:
  managementAccount: { id: "999999999999", assumeRoleArn: "arn:aws:iam::999999999999:role/ThreatAlertsDeploy" }
  delegatedAdmin: security
`;

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, "test.yaml");
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
}

describe("the organization section", () => {
  test("a valid organization gets its defaults: autoEnable ALL, no member stacks", () => {
    const c = parseConfig(ORG);
    expect(c.organization).toEqual({
      managementAccount: { id: "999999999999", assumeRoleArn: "arn:aws:iam::999999999999:role/ThreatAlertsDeploy" },
      delegatedAdmin: "security",
      autoEnable: "ALL",
      memberStacks: [],
    });
  });

  test("each account's part: the administrator, members, members that keep a stack", () => {
    const org = parseConfig(`${ORG}  memberStacks: [prod]\n`).organization!;
    expect(["security", "prod", "root"].map((n) => organizationRole(org, n))).toEqual(["admin", "member-with-stack", "member"]);
  });

  test.each(["ALL", "NEW", "NONE"])("autoEnable %s is accepted", (value) => {
    expect(parseConfig(`${ORG}  autoEnable: ${value}\n`).organization?.autoEnable).toBe(value);
  });

  // [what, config, the path the message must name, a word of the fix]
  const failing: Array<[string, string, string, RegExp]> = [
    [
      "a delegatedAdmin that is not in accounts (a typo)",
      ORG.replace("delegatedAdmin: security", "delegatedAdmin: securty"),
      "organization.delegatedAdmin",
      /"securty" is not the name of an accounts\[\] entry; did you mean "security"\?/,
    ],
    [
      "a delegatedAdmin that is not in accounts (nothing close)",
      ORG.replace("delegatedAdmin: security", "delegatedAdmin: audit"),
      "organization.delegatedAdmin",
      /use one of security, prod, root, or add the administrator account to accounts/,
    ],
    [
      "the management account as the delegated administrator",
      ORG.replace("delegatedAdmin: security", "delegatedAdmin: root"),
      "organization.delegatedAdmin",
      /is the management account \(999999999999\).*designate another account/,
    ],
    [
      "the management account listed with a notification stack",
      `${ORG}  memberStacks: [root]\n`,
      "organization.memberStacks[0]",
      /management account \(999999999999\): its only stack is the management stack/,
    ],
    [
      "autoEnable misspelled",
      `${ORG}  autoEnable: AL\n`,
      "organization.autoEnable",
      /"AL" is not an auto-enable setting; did you mean ALL\?/,
    ],
    ["autoEnable in lower case", `${ORG}  autoEnable: new\n`, "organization.autoEnable", /did you mean NEW\?/],
    [
      "autoEnable as a boolean (the deprecated auto_enable)",
      `${ORG}  autoEnable: true\n`,
      "organization.autoEnable",
      /use ALL .*, NEW .* or NONE/,
    ],
    ["an unknown organization key", `${ORG}  autoEnabled: ALL\n`, "organization.autoEnabled", /did you mean "autoEnable"/],
    ["organization mode without accounts", ORG.replace(/accounts:\n(  - .*\n)+/, ""), "accounts", /organization mode needs accounts/],
    ["no delegatedAdmin", ORG.replace("  delegatedAdmin: security\n", ""), "organization.delegatedAdmin", /required/],
    [
      "a management role in another account",
      ORG.replace("iam::999999999999:role", "iam::222222222222:role"),
      "organization.managementAccount.assumeRoleArn",
      /role is in account 222222222222.*use a role in the management account/,
    ],
    [
      "a management account id as a YAML number",
      ORG.replace(`managementAccount: { id: "999999999999"`, "managementAccount: { id: 999999999999"),
      "organization.managementAccount.id",
      /quoted string/,
    ],
    [
      "a member stack for an unknown account",
      `${ORG}  memberStacks: [dev]\n`,
      "organization.memberStacks[0]",
      /not the name of an accounts\[\] entry/,
    ],
    ["a member stack for the administrator", `${ORG}  memberStacks: [security]\n`, "organization.memberStacks[0]", /always has its stack/],
    [
      "a member's detector to adopt",
      `${ORG}guardduty: { existingDetectors: { prod: { eu-west-1: 6ab0c1d2e3f4a5b6c7d8e9f0a1b2c3d4 } } }\n`,
      "guardduty.existingDetectors.prod",
      /the organization enables and configures its detector.*only the administrator, security, adopts/,
    ],
    [
      "an account named like the management stack",
      ORG.replace("name: prod", "name: org-management"),
      "accounts[1].name",
      /management stack's name/,
    ],
  ];

  test.each(failing)("refuses %s, naming the field and the fix", (_what, yaml, path, fix) => {
    const found = problems(yaml);
    const hit = found.find((p) => p.startsWith(`${path}:`));
    if (!hit) throw new Error(`expected a problem at ${path}, got:\n${found.join("\n")}`);
    expect(hit).toMatch(fix);
  });

  test("organization problems are reported with every other problem in one run", () => {
    const found = problems(ORG.replace("project: acme", "project: Acme").replace("delegatedAdmin: security", "delegatedAdmin: securty"));
    expect(found.map((p) => p.split(":")[0]).sort()).toEqual(["organization.delegatedAdmin", "project"]);
  });

  test("the management account may be listed without a stack, and members may keep one", () => {
    expect(problems(`${ORG}  memberStacks: [prod]\n  autoEnable: NEW\n`)).toEqual([]);
    expect(problems(`${ORG}guardduty: { existingDetectors: { security: { eu-west-1: 6ab0c1d2e3f4a5b6c7d8e9f0a1b2c3d4 } } }\n`)).toEqual([]);
  });
});
