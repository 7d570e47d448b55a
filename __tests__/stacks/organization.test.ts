/**
 * Organization mode: a management stack that only designates the GuardDuty administrator, the
 * administrator's stack with the organization configuration and features per region, members
 * without stacks, and the deploy order between stacks.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkAgainstSchema } from "../helpers/schema-check";
import { referenced, resources, synthYaml, type Synthesized, type TfJson } from "../helpers/synth";

/** Three accounts over three regions; RDS Protection does not exist in ap-east-2. */
const ORG = `
project: acme
homeRegion: eu-west-1
regions: [eu-west-1, us-east-1, ap-east-2]
accounts:
  - { name: security, id: "222222222222", assumeRoleArn: "arn:aws:iam::222222222222:role/ThreatAlertsDeploy" }
  - { name: prod, id: "333333333333", assumeRoleArn: "arn:aws:iam::333333333333:role/ThreatAlertsDeploy" }
  - { name: dev, id: "444444444444" }
organization:
  managementAccount: { id: "999999999999", assumeRoleArn: "arn:aws:iam::999999999999:role/ThreatAlertsDeploy" }
  delegatedAdmin: security
  autoEnable: ALL
guardduty:
  features: { runtimeMonitoring: true, lambdaNetworkLogs: false }
notifications:
  emails: [security@example.com]
backend: { type: s3, s3: { bucket: my-tfstate, region: eu-west-1 } }
`;

const REGIONS = ["eu-west-1", "us-east-1", "ap-east-2"];
const alias = (region: string) => `aws.${region.replace(/-/g, "_")}`;

/** cdktf's manifest: stack name -> the stacks it depends on. */
function dependencies(out: Synthesized): Record<string, string[]> {
  const manifest = JSON.parse(readFileSync(join(out.outdir, "manifest.json"), "utf8"));
  return Object.fromEntries(Object.entries<any>(manifest.stacks).map(([name, s]) => [name, s.dependencies]));
}

describe("a three-account organization across three regions", () => {
  let out: Synthesized;
  let management: TfJson;
  let admin: TfJson;
  beforeAll(() => {
    out = synthYaml(ORG);
    management = out.stacks["acme-org-management"];
    admin = out.stacks["acme-security"];
  });
  afterAll(() => out.cleanup());

  test("synthesizes the management stack and the administrator's stack; members get none", () => {
    expect(Object.keys(out.stacks).sort()).toEqual(["acme-org-management", "acme-security"]);
  });

  test("the administrator's stack depends on the management stack, so deploy '*' designates first", () => {
    expect(dependencies(out)).toEqual({ "acme-org-management": [], "acme-security": ["acme-org-management"] });
  });

  test("no stack reads another's state: the order is a dependency, not a reference", () => {
    for (const [name, raw] of Object.entries(out.raw)) {
      expect({ name, remoteState: raw.includes("terraform_remote_state") }).toEqual({ name, remoteState: false });
    }
    // A cross-stack reference would also add an output to the stack it reads from.
    expect("output" in management).toBe(false);
  });

  test("the management stack designates the administrator in every region, and holds nothing else", () => {
    expect(Object.keys(management.resource)).toEqual(["aws_guardduty_organization_admin_account"]);
    expect(management.data).toBeUndefined();
    const designations = resources(management, "aws_guardduty_organization_admin_account");
    expect(designations.map(([, r]) => [r.provider, r.admin_account_id]).sort()).toEqual(
      REGIONS.map((r) => [alias(r), "222222222222"]).sort(),
    );
  });

  test("designation in the first region comes before the others", () => {
    const designations = resources(management, "aws_guardduty_organization_admin_account");
    const [firstName] = designations.find(([, r]) => r.provider === alias("eu-west-1"))!;
    for (const [, r] of designations) {
      if (r.provider === alias("eu-west-1")) expect(r.depends_on).toBeUndefined();
      else expect(r.depends_on).toEqual([`aws_guardduty_organization_admin_account.${firstName}`]);
    }
  });

  test("the management stack's providers assume its role and refuse any other account", () => {
    expect(management.provider.aws.map((p) => p.region)).toEqual(REGIONS);
    for (const p of management.provider.aws) {
      expect(p.allowed_account_ids).toEqual(["999999999999"]);
      expect(p.assume_role).toEqual([
        { role_arn: "arn:aws:iam::999999999999:role/ThreatAlertsDeploy", session_name: "threat-alerts-acme" },
      ]);
    }
  });

  test("each stack keeps its own state under the same backend settings", () => {
    expect(management.terraform.backend.s3).toMatchObject({ bucket: "my-tfstate", key: "threat-alerts/acme-org-management.tfstate" });
    expect(admin.terraform.backend.s3).toMatchObject({ bucket: "my-tfstate", key: "threat-alerts/acme-security.tfstate" });
  });

  test("the administrator's stack sets the organization configuration in every region, on that region's detector", () => {
    const configurations = resources(admin, "aws_guardduty_organization_configuration");
    expect(configurations.map(([, r]) => r.provider).sort()).toEqual(REGIONS.map(alias).sort());
    for (const [, r] of configurations) {
      expect(r.auto_enable_organization_members).toBe("ALL");
      // Not the deprecated boolean, nor the deprecated datasources block.
      expect(r.auto_enable).toBeUndefined();
      expect(r.datasources).toBeUndefined();
      const [, detector] = referenced(admin, r.detector_id);
      expect(detector.provider).toBe(r.provider);
    }
  });

  test("one organization feature per plan the region offers: enabled plans follow autoEnable, disabled ones are NONE", () => {
    const features = resources(admin, "aws_guardduty_organization_configuration_feature");
    const byRegion = (region: string) =>
      Object.fromEntries(features.filter(([, r]) => r.provider === alias(region)).map(([, r]) => [r.name, r.auto_enable]));
    const all = {
      S3_DATA_EVENTS: "ALL",
      EKS_AUDIT_LOGS: "ALL",
      EBS_MALWARE_PROTECTION: "ALL",
      RDS_LOGIN_EVENTS: "ALL",
      LAMBDA_NETWORK_LOGS: "NONE",
      RUNTIME_MONITORING: "ALL",
    };
    expect(byRegion("eu-west-1")).toEqual(all);
    expect(byRegion("us-east-1")).toEqual(all);
    const { RDS_LOGIN_EVENTS: _unavailable, ...withoutRds } = all;
    expect(byRegion("ap-east-2")).toEqual(withoutRds);
  });

  test("organization features use the region's detector and wait for the organization configuration", () => {
    const configurations = new Map(
      resources(admin, "aws_guardduty_organization_configuration").map(([name, r]) => [r.provider, [name, r]]),
    );
    for (const [, f] of resources(admin, "aws_guardduty_organization_configuration_feature")) {
      const [configName, config] = configurations.get(f.provider)! as [string, Record<string, any>];
      expect(f.detector_id).toBe(config.detector_id);
      expect(f.depends_on).toEqual([`aws_guardduty_organization_configuration.${configName}`]);
    }
  });

  test("Runtime Monitoring reaches members with its agent management", () => {
    for (const [, f] of resources(admin, "aws_guardduty_organization_configuration_feature").filter(
      ([, r]) => r.name === "RUNTIME_MONITORING",
    )) {
      expect(f.additional_configuration).toEqual([
        { name: "EKS_ADDON_MANAGEMENT", auto_enable: "ALL" },
        { name: "ECS_FARGATE_AGENT_MANAGEMENT", auto_enable: "ALL" },
        { name: "EC2_AGENT_MANAGEMENT", auto_enable: "ALL" },
      ]);
    }
  });

  test("the administrator's stack keeps its alert pipeline in every region", () => {
    expect(
      resources(admin, "aws_cloudwatch_event_rule")
        .map(([, r]) => r.provider)
        .sort(),
    ).toEqual(REGIONS.map(alias).sort());
    const alertTopics = resources(admin, "aws_sns_topic").filter(([, t]) => t.name === "acme-alerts");
    expect(alertTopics.map(([, t]) => t.provider).sort()).toEqual(REGIONS.map(alias).sort());
  });

  test("the administrator adopts the detector designation gave it: an import block per region, its id from a lookup", () => {
    const imports: Array<Record<string, string>> = (admin as any).import;
    expect(imports.map((i) => i.provider).sort()).toEqual(REGIONS.map(alias).sort());
    for (const i of imports) {
      const [, detector] = referenced(admin, `\${${i.to}.id}`);
      expect(detector.provider).toBe(i.provider);
      const lookup = /^\$\{data\.aws_guardduty_detector\.([^.]+)\.id\}$/.exec(i.id)?.[1];
      expect(lookup && admin.data?.aws_guardduty_detector?.[lookup]?.provider).toBe(i.provider);
      // The organization configuration of the region is set on that detector.
      const [, configuration] = resources(admin, "aws_guardduty_organization_configuration").find(([, r]) => r.provider === i.provider)!;
      expect(configuration.detector_id).toBe(`\${${i.to}.id}`);
    }
    expect(resources(admin, "aws_guardduty_detector")).toHaveLength(REGIONS.length);
  });

  test("an import id that is an expression needs Terraform 1.6: the administrator's stack requires it, the management stack does not", () => {
    expect(admin.terraform.required_version).toBe(">= 1.10.0"); // the S3 lockfile's floor is higher still
    expect(management.terraform.required_version).toBe(">= 1.10.0");
    const local = synthYaml(ORG.replace("backend: { type: s3, s3: { bucket: my-tfstate, region: eu-west-1 } }", ""));
    try {
      expect(local.stacks["acme-security"].terraform.required_version).toBe(">= 1.6.0");
      expect(local.stacks["acme-org-management"].terraform.required_version).toBe(">= 1.5.7");
    } finally {
      local.cleanup();
    }
  });

  test("every stack matches the provider schema", () => {
    for (const [stack, tf] of Object.entries(out.stacks)) {
      expect({ stack, problems: checkAgainstSchema(tf) }).toEqual({ stack, problems: [] });
    }
  });
});

describe("organization settings", () => {
  test.each(["NEW", "NONE"])("autoEnable %s reaches the configuration and every enabled plan", (autoEnable) => {
    const out = synthYaml(ORG.replace("autoEnable: ALL", `autoEnable: ${autoEnable}`));
    try {
      const admin = out.stacks["acme-security"];
      for (const [, r] of resources(admin, "aws_guardduty_organization_configuration"))
        expect(r.auto_enable_organization_members).toBe(autoEnable);
      const statuses = new Set(resources(admin, "aws_guardduty_organization_configuration_feature").map(([, r]) => r.auto_enable));
      expect([...statuses].sort()).toEqual([...new Set([autoEnable, "NONE"])].sort());
    } finally {
      out.cleanup();
    }
  });

  test("a member in memberStacks keeps an alerting stack with no detector and no organization settings", () => {
    const out = synthYaml(ORG.replace("autoEnable: ALL", "autoEnable: ALL\n  memberStacks: [prod]"));
    try {
      expect(Object.keys(out.stacks).sort()).toEqual(["acme-org-management", "acme-prod", "acme-security"]);
      const prod = out.stacks["acme-prod"];
      expect(prod.resource.aws_guardduty_detector).toBeUndefined();
      expect(prod.resource.aws_guardduty_detector_feature).toBeUndefined();
      expect(prod.resource.aws_guardduty_organization_configuration).toBeUndefined();
      // No lookup either: nothing in the stack needs the detector's id, and it may not exist yet.
      expect(prod.data?.aws_guardduty_detector).toBeUndefined();
      expect("import" in prod).toBe(false);
      expect(resources(prod, "aws_cloudwatch_event_rule")).toHaveLength(REGIONS.length);
      expect(prod.provider.aws[0].allowed_account_ids).toEqual(["333333333333"]);
      expect(dependencies(out)["acme-prod"]).toEqual([]);
    } finally {
      out.cleanup();
    }
  });

  test("the administrator's notifier names every listed account; notifications.accountNames wins", () => {
    const out = synthYaml(
      ORG.replace(
        "  emails: [security@example.com]",
        `  emails: [security@example.com]\n  slack: { webhookParameter: /threat-alerts/slack-webhook }\n  accountNames: { "444444444444": development }`,
      ),
    );
    try {
      const [, fn] = resources(out.stacks["acme-security"], "aws_lambda_function")[0];
      expect(JSON.parse(fn.environment.variables.ACCOUNT_NAMES)).toEqual({
        "222222222222": "security",
        "333333333333": "prod",
        "444444444444": "development",
      });
    } finally {
      out.cleanup();
    }
  });

  test("exports, suppressions and trusted IPs live with the administrator only, never in a member's stack", () => {
    const out = synthYaml(
      ORG.replace("autoEnable: ALL", "autoEnable: ALL\n  memberStacks: [prod]").replace(
        "guardduty:\n",
        `guardduty:\n  export: {}\n  trustedIps: ["198.51.100.0/24"]\n  suppress: [{ name: scanner, reason: authorised scan, findingTypes: ["Recon:EC2/PortProbeUnprotectedPort"] }]\n`,
      ),
    );
    try {
      const types = (tf: TfJson) => Object.keys(tf.resource);
      for (const t of ["aws_guardduty_filter", "aws_guardduty_ipset", "aws_guardduty_publishing_destination", "aws_s3_bucket"]) {
        expect({ t, admin: types(out.stacks["acme-security"]).includes(t) }).toEqual({ t, admin: true });
        expect({ t, member: types(out.stacks["acme-prod"]).includes(t) }).toEqual({ t, member: false });
      }
    } finally {
      out.cleanup();
    }
  });

  test("with manageDetector: false the administrator's organization configuration uses the looked-up detector", () => {
    const out = synthYaml(ORG.replace("guardduty:\n", "guardduty:\n  manageDetector: false\n"));
    try {
      const admin = out.stacks["acme-security"];
      expect(admin.resource.aws_guardduty_detector).toBeUndefined();
      expect("import" in admin).toBe(false);
      for (const [, r] of resources(admin, "aws_guardduty_organization_configuration")) {
        const lookup = /^\$\{data\.aws_guardduty_detector\.([^.]+)\.id\}$/.exec(r.detector_id)?.[1];
        expect(lookup && admin.data?.aws_guardduty_detector?.[lookup]?.provider).toBe(r.provider);
      }
    } finally {
      out.cleanup();
    }
  });

  test("without organization, every account keeps its stack and there is no management stack", () => {
    const out = synthYaml(ORG.replace(/organization:\n(  .*\n)+/, ""));
    try {
      expect(Object.keys(out.stacks).sort()).toEqual(["acme-dev", "acme-prod", "acme-security"]);
      for (const tf of Object.values(out.stacks)) expect(tf.resource.aws_guardduty_organization_configuration).toBeUndefined();
    } finally {
      out.cleanup();
    }
  });
});

describe("an administrator detector adopted by id in one region", () => {
  const ID = "6ab0c1d2e3f4a5b6c7d8e9f0a1b2c3d4";
  let out: Synthesized;
  let admin: TfJson;
  beforeAll(() => {
    out = synthYaml(ORG.replace("guardduty:\n", `guardduty:\n  existingDetectors: { security: { us-east-1: ${ID} } }\n`));
    admin = out.stacks["acme-security"];
  });
  afterAll(() => out.cleanup());

  test("that region imports the given id, and its organization configuration and features use that detector", () => {
    const imports: Array<Record<string, string>> = (admin as any).import;
    const inUsEast1 = imports.filter((i) => i.provider === alias("us-east-1"));
    expect(inUsEast1).toHaveLength(1);
    expect(inUsEast1[0].id).toBe(ID);
    const detectorRef = `\${${inUsEast1[0].to}.id}`;
    const [, configuration] = resources(admin, "aws_guardduty_organization_configuration").find(
      ([, r]) => r.provider === alias("us-east-1"),
    )!;
    expect(configuration.detector_id).toBe(detectorRef);
    const features = resources(admin, "aws_guardduty_organization_configuration_feature").filter(
      ([, r]) => r.provider === alias("us-east-1"),
    );
    expect(features.length).toBeGreaterThan(0);
    for (const [, f] of features) expect(f.detector_id).toBe(detectorRef);
  });

  test("the other regions still adopt the designated detector through the lookup", () => {
    const imports: Array<Record<string, string>> = (admin as any).import;
    for (const i of imports.filter((x) => x.provider !== alias("us-east-1"))) expect(i.id).toMatch(/^\$\{data\.aws_guardduty_detector\./);
    expect(
      Object.values(admin.data?.aws_guardduty_detector ?? {})
        .map((d) => d.provider)
        .sort(),
    ).toEqual([alias("ap-east-2"), alias("eu-west-1")].sort());
  });

  test("the stack matches the provider schema", () => {
    expect(checkAgainstSchema(admin)).toEqual([]);
  });
});

describe("moving to organization mode", () => {
  const addresses = (tf: TfJson) => Object.entries(tf.resource).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`));

  test("the administrator's stack keeps every address of the account's own stack, so its state carries over", () => {
    const standalone = synthYaml(ORG.replace(/organization:\n(  .*\n)+/, ""));
    const org = synthYaml(ORG);
    try {
      const before = addresses(standalone.stacks["acme-security"]);
      const after = addresses(org.stacks["acme-security"]);
      expect(before.filter((a) => !after.includes(a))).toEqual([]);
      expect(after.filter((a) => !before.includes(a)).every((a) => a.startsWith("aws_guardduty_organization_"))).toBe(true);
    } finally {
      standalone.cleanup();
      org.cleanup();
    }
  });
});
