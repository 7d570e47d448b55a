/**
 * The awsConfig, securityHub and guardduty export/suppress/trustedIps settings: what is accepted,
 * and what is refused with the field and the fix.
 */
import { ConfigError, parseConfig } from "../../config/load";
import { IRREGULAR_IDENTIFIERS, GLOBAL_RESOURCE_RULES, MANAGED_RULES } from "../../detection/aws-config-managed-rules";
import { FILTER_CRITERIA } from "../../detection/guardduty-filter-criteria";

const BASE = `
project: acme
homeRegion: us-east-1
regions: [us-east-1, eu-west-1]
notifications: { emails: [security@example.com] }
`;

function problems(extra: string, base = BASE): string[] {
  try {
    parseConfig(`${base}${extra}\n`, "test.yaml");
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
}

/** The example of the issue and the README. */
const EXAMPLE = `
awsConfig:
  managedRules: [ec2-no-amazon-key-pair, s3-bucket-public-read-prohibited]
  createRecorder: false
  notify: [ec2-no-amazon-key-pair]
securityHub:
  minSeverity: HIGH
guardduty:
  export:
    retentionDays: 365
  suppress:
    - name: internal-scanner
      reason: weekly authorised port scan from the security VPC
      findingTypes: [Recon:EC2/PortProbeUnprotectedPort]
      criteria: { "service.action.networkConnectionAction.remoteIpDetails.ipAddressV4": { eq: ["198.51.100.7"] } }
  trustedIps: ["198.51.100.0/24"]
`;

const suppression = (body: string) => `guardduty:\n  suppress:\n    - ${body}\n`;

describe("alert source settings", () => {
  test("the documented example is valid and keeps its values", () => {
    const c = parseConfig(`${BASE}${EXAMPLE}`, "test.yaml");
    expect(c.awsConfig).toEqual({
      managedRules: ["ec2-no-amazon-key-pair", "s3-bucket-public-read-prohibited"],
      createRecorder: false,
      notify: ["ec2-no-amazon-key-pair"],
    });
    expect(c.securityHub).toEqual({ minSeverity: "HIGH" });
    expect(c.guardduty.export).toEqual({ retentionDays: 365 });
    expect(c.guardduty.suppress?.[0].reason).toBe("weekly authorised port scan from the security VPC");
    expect(c.guardduty.trustedIps).toEqual(["198.51.100.0/24"]);
  });

  test("defaults: no notify list (every rule alerts), HIGH for Security Hub, a year of export", () => {
    const c = parseConfig(`${BASE}awsConfig: { managedRules: [restricted-ssh] }\nsecurityHub: {}\nguardduty: { export: {} }\n`);
    expect(c.awsConfig).toEqual({ managedRules: ["restricted-ssh"], createRecorder: false });
    expect(c.securityHub).toEqual({ minSeverity: "HIGH" });
    expect(c.guardduty.export).toEqual({ retentionDays: 365 });
  });

  test.each([
    ["an IPv4 address", "203.0.113.10"],
    ["an IPv4 /8", "10.0.0.0/8"],
    ["an IPv6 block", "2001:db8::/48"],
  ])("a trusted IP entry that is %s is accepted", (_what, ip) => {
    expect(problems(`guardduty: { trustedIps: ["${ip}"] }`)).toEqual([]);
  });

  test("an opt-in homeRegion may hold the export when it is the only region", () => {
    expect(
      problems(
        "guardduty: { export: {} }",
        "project: acme\nhomeRegion: af-south-1\nregions: [af-south-1]\nnotifications: { emails: [security@example.com] }\n",
      ),
    ).toEqual([]);
  });

  // [what, yaml, the path the message must name, words of the fix]
  const failing: Array<[string, string, string, RegExp, string?]> = [
    [
      "unknown managed rule, with the nearest name",
      "awsConfig: { managedRules: [ec2-no-amazon-keypair] }",
      "awsConfig.managedRules[0]",
      /not an AWS Config managed rule.*did you mean "ec2-no-amazon-key-pair"/,
    ],
    [
      "the API identifier instead of the rule name",
      "awsConfig: { managedRules: [INCOMING_SSH_DISABLED] }",
      "awsConfig.managedRules[0]",
      /did you mean "restricted-ssh"/,
    ],
    [
      "a managed rule listed twice",
      "awsConfig: { managedRules: [restricted-ssh, restricted-ssh] }",
      "awsConfig.managedRules[1]",
      /listed twice/,
    ],
    [
      "notify naming a rule the config does not create",
      "awsConfig: { managedRules: [restricted-ssh], notify: [restricted-sh] }",
      "awsConfig.notify[0]",
      /not one of awsConfig.managedRules.*did you mean "restricted-ssh"/,
    ],
    [
      "adopting a recorder without managing one",
      "awsConfig: { managedRules: [restricted-ssh], adoptRecorderIn: [us-east-1] }",
      "awsConfig.adoptRecorderIn",
      /set createRecorder: true/,
    ],
    [
      "adopting a recorder in a region the config does not manage",
      "awsConfig: { createRecorder: true, adoptRecorderIn: [eu-central-1] }",
      "awsConfig.adoptRecorderIn[0]",
      /not one of regions/,
    ],
    [
      "parameters for a rule the config does not create",
      "awsConfig: { managedRules: [access-keys-rotated], ruleParameters: { access-key-rotated: { maxAccessKeyAge: 90 } } }",
      "awsConfig.ruleParameters.access-key-rotated",
      /not in awsConfig.managedRules.*did you mean "access-keys-rotated"/,
    ],
    ["unknown awsConfig key", "awsConfig: { managedRule: [] }", "awsConfig.managedRule", /did you mean "managedRules"/],
    ["Security Hub label", "securityHub: { minSeverity: SEVERE }", "securityHub.minSeverity", /INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL/],
    [
      "retention below GuardDuty's own 90 days",
      "guardduty: { export: { retentionDays: 30 } }",
      "guardduty.export.retentionDays",
      /from 90/,
    ],
    ["retention above ten years", "guardduty: { export: { retentionDays: 36500 } }", "guardduty.export.retentionDays", /to 3650/],
    ["retention not a whole number", "guardduty: { export: { retentionDays: 100.5 } }", "guardduty.export.retentionDays", /whole number/],
    [
      "suppression without a reason",
      suppression("{ name: scanner, findingTypes: [Recon:EC2/PortProbeUnprotectedPort] }"),
      "guardduty.suppress[0].reason",
      /required; say why this noise is accepted/,
    ],
    [
      "suppression with a blank reason",
      suppression(`{ name: scanner, reason: "  ", findingTypes: [Recon:EC2/PortProbeUnprotectedPort] }`),
      "guardduty.suppress[0].reason",
      /say why this noise is accepted/,
    ],
    [
      "a reason with characters GuardDuty refuses in a description",
      suppression(`{ name: scanner, reason: "the red team's scanner, weekly", findingTypes: [Recon:EC2/PortProbeUnprotectedPort] }`),
      "guardduty.suppress[0].reason",
      /GuardDuty refuses ' , in a filter description/,
    ],
    [
      "unknown criteria key, with the nearest field",
      suppression(
        `{ name: scanner, reason: r, criteria: { "service.action.networkConnectionAction.remoteIpDetail.ipAddressV4": { eq: [198.51.100.7] } } }`,
      ),
      "guardduty.suppress[0].criteria.service.action.networkConnectionAction.remoteIpDetail.ipAddressV4",
      /not a field GuardDuty filters can test.*did you mean "service\.action\.networkConnectionAction\.remoteIpDetails\.ipAddressV4"/,
    ],
    [
      "a condition without an operator",
      suppression("{ name: scanner, reason: r, criteria: { severity: {} } }"),
      "guardduty.suppress[0].criteria.severity",
      /use eq or neq/,
    ],
    [
      "an unknown condition operator",
      suppression("{ name: scanner, reason: r, criteria: { severity: { equals: [2] } } }"),
      "guardduty.suppress[0].criteria.severity.equals",
      /unknown key \(allowed here: eq, neq, gt, gte, lt, lte\)/,
    ],
    [
      "a suppression that would archive everything",
      suppression("{ name: scanner, reason: r }"),
      "guardduty.suppress[0]",
      /add findingTypes or criteria/,
    ],
    [
      "findingTypes and criteria.type together",
      suppression("{ name: scanner, reason: r, findingTypes: [Recon:EC2/PortProbeUnprotectedPort], criteria: { type: { eq: [x] } } }"),
      "guardduty.suppress[0].criteria.type",
      /not both/,
    ],
    [
      "a malformed finding type",
      suppression("{ name: scanner, reason: r, findingTypes: [port probe] }"),
      "guardduty.suppress[0].findingTypes[0]",
      /Recon:EC2\/PortProbeUnprotectedPort/,
    ],
    [
      "a filter name GuardDuty refuses",
      suppression("{ name: port scanner, reason: r, findingTypes: [Recon:EC2/PortProbeUnprotectedPort] }"),
      "guardduty.suppress[0].name",
      /letters, digits/,
    ],
    [
      "a filter name over 64 characters with the project prefix",
      suppression(`{ name: ${"s".repeat(60)}, reason: r, findingTypes: [Recon:EC2/PortProbeUnprotectedPort] }`),
      "guardduty.suppress[0].name",
      /3 to 64 characters/,
    ],
    [
      "two suppressions with one name",
      "guardduty:\n  suppress:\n    - { name: a, reason: r, findingTypes: [Recon:EC2/PortProbeUnprotectedPort] }\n    - { name: a, reason: r, findingTypes: [Recon:EC2/PortProbeUnprotectedPort] }\n",
      "guardduty.suppress[1].name",
      /unique/,
    ],
    [
      "a trusted IP that is not an address",
      `guardduty: { trustedIps: ["300.1.1.1"] }`,
      "guardduty.trustedIps[0]",
      /not an IP address or CIDR block/,
    ],
    [
      "a CIDR with host bits set",
      `guardduty: { trustedIps: ["198.51.100.7/24"] }`,
      "guardduty.trustedIps[0]",
      /did you mean 198\.51\.100\.0\/24/,
    ],
    ["a malformed CIDR", `guardduty: { trustedIps: ["198.51.100.0/33"] }`, "guardduty.trustedIps[0]", /not a CIDR block/],
    ["a CIDR wider than /8", `guardduty: { trustedIps: ["0.0.0.0/0"] }`, "guardduty.trustedIps[0]", /prefix of \/8 or longer/],
    [
      "export with a detector managed elsewhere",
      "guardduty: { manageDetector: false, export: {} }",
      "guardduty.export",
      /needs a detector this stack manages/,
    ],
    [
      "suppression with a detector managed elsewhere",
      "guardduty: { manageDetector: false, suppress: [{ name: a, reason: r, findingTypes: [Recon:EC2/PortProbeUnprotectedPort] }] }",
      "guardduty.suppress",
      /needs a detector this stack manages/,
    ],
    [
      "export from default regions into an opt-in homeRegion's bucket",
      "guardduty: { export: {} }",
      "guardduty.export",
      /opt-in region.*cannot export other regions' findings \(us-east-1\)/,
      "project: acme\nhomeRegion: af-south-1\nregions: [af-south-1, us-east-1]\nnotifications: { emails: [security@example.com] }\n",
    ],
  ];

  // Every row gets its base explicitly: jest reads an extra parameter as a done callback.
  test.each(failing.map(([what, yaml, path, fix, base]) => [what, yaml, path, fix, base ?? BASE] as const))(
    "refuses %s",
    (_what, yaml, path, fix, base) => {
      const found = problems(yaml, base);
      const mine = found.filter((p) => p.startsWith(`${path}: `));
      expect({ found, matched: mine.some((p) => fix.test(p)) }).toEqual({ found, matched: true });
    },
  );

  test("every problem of these sections is reported in one run", () => {
    const found = problems(`
awsConfig: { managedRules: [nope-rule] }
securityHub: { minSeverity: SEVERE }
guardduty:
  export: { retentionDays: 1 }
  suppress: [{ name: a, findingTypes: [Recon:EC2/PortProbeUnprotectedPort] }]
  trustedIps: [nope]
`);
    expect(found.map((p) => p.split(":")[0]).sort()).toEqual([
      "awsConfig.managedRules[0]",
      "guardduty.export.retentionDays",
      "guardduty.suppress[0].reason",
      "guardduty.trustedIps[0]",
      "securityHub.minSeverity",
    ]);
  });
});

describe("the catalogues behind the checks", () => {
  test("managed rule identifiers are the API's CAPITALS_WITH_UNDERSCORES, and the name in capitals except for the listed irregular ones", () => {
    const irregular = Object.entries(MANAGED_RULES)
      .filter(([name, id]) => id !== name.toUpperCase().replace(/-/g, "_"))
      .map(([name]) => name);
    expect(irregular.sort()).toEqual([...IRREGULAR_IDENTIFIERS].sort());
    for (const id of Object.values(MANAGED_RULES)) expect(id).toMatch(/^[A-Z0-9_]+$/);
    expect(MANAGED_RULES["restricted-ssh"]).toBe("INCOMING_SSH_DISABLED");
    expect(Object.keys(MANAGED_RULES).length).toBeGreaterThan(250);
  });

  test("every account-wide rule is a managed rule", () => {
    for (const rule of GLOBAL_RESOURCE_RULES) expect(MANAGED_RULES).toHaveProperty([rule]);
  });

  test("the filter fields include those of the documented example and the type criterion", () => {
    expect(FILTER_CRITERIA.has("service.action.networkConnectionAction.remoteIpDetails.ipAddressV4")).toBe(true);
    expect(FILTER_CRITERIA.has("type")).toBe(true);
    expect(FILTER_CRITERIA.has("severity")).toBe(true);
    expect(FILTER_CRITERIA.has("service.remoteIp")).toBe(false);
  });
});
