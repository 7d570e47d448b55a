/**
 * The synthesized AWS Config and Security Hub rules against real events: a compliance change
 * reaches the topic exactly when a notify rule turns a resource NON_COMPLIANT; a Security Hub
 * finding exactly when it is imported, NEW, ACTIVE and at or above the floor.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SECURITY_HUB_LABELS, type SecurityHubLabel } from "../../config/sections/security-hub";
import { matchesEventPattern } from "../helpers/event-pattern";
import { resources, synthYaml, type TfJson } from "../helpers/synth";

const EVENTS = join(__dirname, "..", "fixtures", "events");
const read = (dir: string, file: string) => JSON.parse(readFileSync(join(EVENTS, dir, file), "utf8"));

const BASE = "project: acme\nhomeRegion: us-east-1\nregions: [us-east-1]\nnotifications: { emails: [security@example.com] }\n";

/** The event pattern of the one EventBridge rule whose name ends with `suffix`. */
function patternOf(stack: TfJson, suffix: string): object {
  const rules = resources(stack, "aws_cloudwatch_event_rule").filter(([, r]) => String(r.name).endsWith(suffix));
  expect(rules).toHaveLength(1);
  return JSON.parse(rules[0][1].event_pattern);
}

function synthPattern(yaml: string, suffix: string): object {
  const out = synthYaml(`${BASE}${yaml}\n`);
  try {
    return patternOf(out.stacks.acme, suffix);
  } finally {
    out.cleanup();
  }
}

describe("the AWS Config compliance-change rule", () => {
  // The real events come from conformance-pack rules, which AWS names
  // `<managed rule>-conformance-pack-<suffix>`. Sent by this stack's rule, the same event would
  // carry the stack's rule name `acme-<managed rule>`: that is the only field rewritten.
  const RULES = ["cw-loggroup-retention-period-check", "lambda-function-public-access-prohibited"];
  const ours = (event: any) => {
    const managed = RULES.find((r) => event.detail.configRuleName.startsWith(`${r}-conformance-pack-`));
    if (!managed) throw new Error(`no managed rule for ${event.detail.configRuleName}`);
    const name = `acme-${managed}`;
    const copy = structuredClone(event);
    copy.detail.configRuleName = name;
    for (const result of [copy.detail.newEvaluationResult, copy.detail.oldEvaluationResult]) {
      if (result) result.evaluationResultIdentifier.evaluationResultQualifier.configRuleName = name;
    }
    return copy;
  };
  const events = readdirSync(join(EVENTS, "config"))
    .filter((f) => f.startsWith("eb_compliance-change_"))
    .map((file) => ({ file, event: read("config", file) }));

  let pattern: object;
  beforeAll(() => (pattern = synthPattern(`awsConfig: { managedRules: [${RULES.join(", ")}] }`, "-config-noncompliant")));

  test("the fixtures have NON_COMPLIANT and COMPLIANT changes", () => {
    const types = events.map(({ event }) => event.detail.newEvaluationResult.complianceType).sort();
    expect(types).toEqual(["COMPLIANT", "NON_COMPLIANT", "NON_COMPLIANT"]);
  });

  test.each(events.map(({ file, event }) => [file, event] as const))(
    "%s matches exactly when the resource turned NON_COMPLIANT",
    (_file, event) => {
      expect(matchesEventPattern(pattern, ours(event))).toBe(event.detail.newEvaluationResult.complianceType === "NON_COMPLIANT");
    },
  );

  test("rules this stack did not create (the conformance pack's own) never match", () => {
    for (const { event } of events) expect(matchesEventPattern(pattern, event)).toBe(false);
  });

  test("notify limits the alert to the listed rules", () => {
    const retentionOnly = synthPattern(
      `awsConfig: { managedRules: [${RULES.join(", ")}], notify: [lambda-function-public-access-prohibited] }`,
      "-config-noncompliant",
    );
    const nonCompliant = events.filter(({ event }) => event.detail.newEvaluationResult.complianceType === "NON_COMPLIANT");
    expect(nonCompliant.length).toBeGreaterThan(0);
    for (const { event } of nonCompliant) expect(matchesEventPattern(retentionOnly, ours(event))).toBe(false);
    const lambda = events.find(({ event }) => event.detail.configRuleName.startsWith("lambda-"))!.event;
    const turned = ours(lambda);
    turned.detail.newEvaluationResult.complianceType = "NON_COMPLIANT";
    expect(matchesEventPattern(retentionOnly, turned)).toBe(true);
  });
});

describe("the Security Hub findings rule", () => {
  const envelope = (findings: object[], detailType = "Security Hub Findings - Imported") => ({
    version: "0",
    id: "test",
    "detail-type": detailType,
    source: "aws.securityhub",
    account: "111111111111",
    time: "2024-01-01T00:00:00Z",
    region: "us-east-1",
    resources: [],
    detail: { findings },
  });
  const files = readdirSync(join(EVENTS, "securityhub")).filter((f) => f.endsWith(".json"));
  // Imported events as they are; bare ASFF findings (what `detail.findings` holds) wrapped in an
  // Imported event; the findings of Custom Action events, which are the same ASFF findings,
  // wrapped in an Imported event too, for the HIGH, LOW and CRITICAL labels.
  const imported = files.map((file) => {
    const json = read("securityhub", file);
    const event = json["detail-type"] === "Security Hub Findings - Imported" ? json : envelope(json.detail?.findings ?? [json]);
    return { file, event, labels: event.detail.findings.map((f: any) => f.Severity.Label as SecurityHubLabel) };
  });
  const customActions = files
    .map((file) => read("securityhub", file))
    .filter((e) => e["detail-type"] === "Security Hub Findings - Custom Action");

  const patterns = new Map<SecurityHubLabel, object>();
  beforeAll(() => {
    for (const label of SECURITY_HUB_LABELS)
      patterns.set(label, synthPattern(`securityHub: { minSeverity: ${label} }`, "-securityhub-findings"));
  });
  const rank = (label: string) => SECURITY_HUB_LABELS.indexOf(label as SecurityHubLabel);

  test("the fixtures cover every severity label", () => {
    expect(new Set(imported.flatMap((i) => i.labels))).toEqual(new Set(SECURITY_HUB_LABELS));
  });

  describe.each(SECURITY_HUB_LABELS.map((l) => [l]))("minSeverity %s", (floor) => {
    test.each(imported.map(({ file, event, labels }) => [file, event, labels] as const))(
      "%s matches exactly when one of its findings is at or above the floor",
      (_file, event, labels) => {
        expect(matchesEventPattern(patterns.get(floor)!, event)).toBe(labels.some((l: SecurityHubLabel) => rank(l) >= rank(floor)));
      },
    );
  });

  const critical = () => structuredClone(imported.find((i) => i.labels.includes("CRITICAL"))!.event);

  test("Custom Action events (someone pressed a button in the console) never match", () => {
    expect(customActions.length).toBeGreaterThan(0);
    for (const event of customActions) expect(matchesEventPattern(patterns.get("INFORMATIONAL")!, event)).toBe(false);
  });

  test.each([
    ["suppressed", (f: any) => (f.Workflow.Status = "SUPPRESSED")],
    ["resolved", (f: any) => (f.Workflow.Status = "RESOLVED")],
    ["already notified", (f: any) => (f.Workflow.Status = "NOTIFIED")],
    ["archived", (f: any) => (f.RecordState = "ARCHIVED")],
    ["GuardDuty's (its own rule alerts on it)", (f: any) => (f.ProductArn = "arn:aws:securityhub:us-east-1::product/aws/guardduty")],
  ])("a %s finding does not match, even at CRITICAL", (_what, change) => {
    const event = critical();
    for (const f of event.detail.findings) change(f);
    expect(matchesEventPattern(patterns.get("INFORMATIONAL")!, event)).toBe(false);
  });

  test("the conditions hold for one and the same finding: a suppressed CRITICAL beside a NEW MEDIUM does not match at HIGH", () => {
    const event = critical();
    const [first, second] = event.detail.findings;
    expect([first.Severity.Label, second?.Severity.Label]).toEqual(["CRITICAL", "MEDIUM"]);
    first.Workflow.Status = "SUPPRESSED";
    expect(matchesEventPattern(patterns.get("HIGH")!, event)).toBe(false);
    expect(matchesEventPattern(patterns.get("MEDIUM")!, event)).toBe(true);
  });
});
