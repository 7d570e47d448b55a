/**
 * The detector source per region: created, adopted (the same resources plus a Terraform import
 * block) or someone else's (looked up only when a construct needs its id).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { parseConfig } from "../../config/load";
import { AccountStack } from "../../stacks/account-stack";
import { BASE_YAML, dataSources, resources, synthYaml, type Synthesized, type TfJson } from "../helpers/synth";

const DETECTOR = "6ab0c1d2e3f4a5b6c7d8e9f0a1b2c3d4";

const ADOPTING = `
project: acme
homeRegion: us-east-1
regions: [us-east-1, eu-west-1]
accounts:
  - { name: prod, id: "111111111111" }
  - { name: dev, id: "222222222222" }
guardduty:
  minSeverity: MEDIUM
  features: { runtimeMonitoring: true }
  existingDetectors:
    prod: { eu-west-1: ${DETECTOR} }
notifications:
  emails: [security@example.com]
`;

/** Resource addresses with the stack-specific parts kept: type.name. */
const addresses = (stack: TfJson) =>
  Object.entries(stack.resource).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`));

/** A resource's block without what differs between two stacks only by their account. */
const comparable = (block: Record<string, unknown>) => {
  const { ["//"]: _metadata, ...rest } = block;
  return rest;
};

describe("adopting an existing detector in one region of one account", () => {
  let out: Synthesized;
  let prod: TfJson;
  let dev: TfJson;
  beforeAll(() => {
    // No terraform on PATH: adoption must not make synth need the binary (cdktf's importFrom
    // would run `terraform version`).
    const path = process.env.PATH;
    const empty = mkdtempSync(join(tmpdir(), "no-terraform-"));
    process.env.PATH = empty;
    try {
      out = synthYaml(ADOPTING);
    } finally {
      process.env.PATH = path;
      rmSync(empty, { recursive: true, force: true });
    }
    prod = out.stacks["acme-prod"];
    dev = out.stacks["acme-dev"];
  });
  afterAll(() => out.cleanup());

  test("the adopting stack imports the listed detector into the eu-west-1 detector's address, with that region's provider", () => {
    const [[euName]] = resources(prod, "aws_guardduty_detector").filter(([, d]) => d.provider === "aws.eu_west_1");
    expect((prod as Record<string, unknown>).import).toEqual([
      { id: DETECTOR, to: `aws_guardduty_detector.${euName}`, provider: "aws.eu_west_1" },
    ]);
  });

  test("other regions and other accounts create their detector: no import block", () => {
    expect((dev as Record<string, unknown>).import).toBeUndefined();
    const imports = (prod as { import?: Array<{ to: string }> }).import ?? [];
    const usName = resources(prod, "aws_guardduty_detector").find(([, d]) => d.provider === "aws.us_east_1")![0];
    expect(imports.map((i) => i.to)).not.toContain(`aws_guardduty_detector.${usName}`);
  });

  test("the adopted region gets the same detector, plans, rule and topic resources as a created one", () => {
    expect(addresses(prod).sort()).toEqual(addresses(dev).sort());
    for (const type of [
      "aws_guardduty_detector",
      "aws_guardduty_detector_feature",
      "aws_cloudwatch_event_rule",
      "aws_cloudwatch_event_target",
      "aws_sns_topic",
      "aws_sns_topic_subscription",
    ]) {
      const adopted = resources(prod, type).map(([n, r]) => [n, comparable(r)]);
      const created = resources(dev, type).map(([n, r]) => [n, comparable(r)]);
      expect(adopted).toEqual(created);
    }
    const euFeatures = resources(prod, "aws_guardduty_detector_feature").filter(([, f]) => f.provider === "aws.eu_west_1");
    expect(euFeatures.map(([, f]) => [f.name, f.status]).sort()).toEqual([
      ["EBS_MALWARE_PROTECTION", "ENABLED"],
      ["EKS_AUDIT_LOGS", "ENABLED"],
      ["LAMBDA_NETWORK_LOGS", "ENABLED"],
      ["RDS_LOGIN_EVENTS", "ENABLED"],
      ["RUNTIME_MONITORING", "ENABLED"],
      ["S3_DATA_EVENTS", "ENABLED"],
    ]);
  });

  test("the stack still requires a Terraform version with import blocks (>= 1.5)", () => {
    expect(prod.terraform.required_version).toBe(">= 1.5.7");
  });
});

describe("the detector each region exposes", () => {
  const build = (yaml: string) => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "threat-alerts-detector-")), stackTraces: false });
    const config = parseConfig(yaml);
    const stack = new AccountStack(app, "acme", { config, account: config.accounts[0]! });
    return { app, stack };
  };

  test("create, adopt and external say who owns the detector", () => {
    const created = build(BASE_YAML).stack.regional;
    expect(created.map((r) => [r.region, r.detector.source, r.detector.owned])).toEqual([
      ["us-east-1", "create", true],
      ["eu-west-1", "create", true],
    ]);
    const adopted = build(`${BASE_YAML}guardduty: { existingDetectors: { default: { eu-west-1: ${DETECTOR} } } }\n`).stack.regional;
    expect(adopted.map((r) => [r.region, r.detector.source, r.detector.owned])).toEqual([
      ["us-east-1", "create", true],
      ["eu-west-1", "adopt", true],
    ]);
    const external = build(`${BASE_YAML}guardduty: { manageDetector: false }\n`).stack.regional;
    expect(external.map((r) => [r.region, r.detector.source, r.detector.owned])).toEqual([
      ["us-east-1", "external", false],
      ["eu-west-1", "external", false],
    ]);
  });

  test("an external detector is looked up in its region only once a construct reads its id", () => {
    const { app, stack } = build(`${BASE_YAML}guardduty: { manageDetector: false }\n`);
    const lookups = () => stack.toTerraform() as TfJson;
    expect(dataSources(lookups(), "aws_guardduty_detector")).toHaveLength(0);
    // Read twice: still one lookup.
    expect(stack.regional[1]!.detector.detectorId).toMatch(/TOKEN/);
    expect(stack.regional[1]!.detector.detectorId).toMatch(/TOKEN/);
    const found = dataSources(lookups(), "aws_guardduty_detector");
    expect(found).toHaveLength(1);
    expect(found[0]![1].provider).toBe("aws.eu_west_1");
    expect(found[0]![1].id).toBeUndefined();
    rmSync(app.outdir, { recursive: true, force: true });
  });
});
