/**
 * The synthesized GuardDuty rule against real findings: a finding reaches the topic exactly when
 * its severity is at or above the configured floor, decimals and Critical included.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { matchesEventPattern } from "../helpers/event-pattern";
import { BASE_YAML, resources, synthYaml } from "../helpers/synth";

const DIR = join(__dirname, "..", "fixtures", "events", "guardduty");

/** Fixtures as full EventBridge events: bare findings and detail-only files are wrapped. */
function asEvent(file: string): Record<string, any> {
  const json = JSON.parse(readFileSync(join(DIR, file), "utf8"));
  if (json.source === "aws.guardduty" && json.detail) return json;
  const detail = json.detail ?? json;
  return {
    version: "0",
    id: "test",
    "detail-type": json["detail-type"] ?? "GuardDuty Finding",
    source: "aws.guardduty",
    account: "123456789012",
    region: "us-east-1",
    time: "2024-01-01T00:00:00Z",
    resources: [],
    detail,
  };
}

const findings = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .map((file) => ({ file, event: asEvent(file) }))
  // Malware Protection for S3 scan results are a different detail-type, not a finding.
  .filter(({ event }) => event["detail-type"] === "GuardDuty Finding");

function synthesizedPattern(minSeverity: string): object {
  const out = synthYaml(`${BASE_YAML}\nguardduty: { minSeverity: ${minSeverity} }\n`);
  try {
    return JSON.parse(resources(out.stacks.acme, "aws_cloudwatch_event_rule")[0][1].event_pattern);
  } finally {
    out.cleanup();
  }
}

test("the fixtures cover every severity band", () => {
  const severities = findings.map(({ event }) => Number(event.detail.severity));
  expect(severities.some((s) => s < 4)).toBe(true);
  expect(severities.some((s) => s >= 4 && s < 7)).toBe(true);
  expect(severities.some((s) => s >= 7 && s < 9)).toBe(true);
  expect(severities.some((s) => s >= 9)).toBe(true);
});

describe.each([
  ["LOW", 1],
  ["MEDIUM", 4],
  ["HIGH", 7],
  ["CRITICAL", 9],
  ["8.5", 8.5],
])("minSeverity %s", (word, floor) => {
  let pattern: object;
  beforeAll(() => (pattern = synthesizedPattern(word)));

  test.each(findings.map(({ file, event }) => [file, event] as const))(
    "%s matches exactly when its severity >= the floor",
    (_file, event) => {
      expect(matchesEventPattern(pattern, event)).toBe(Number(event.detail.severity) >= floor);
    },
  );
});

test("a string severity never matches: EventBridge numeric matching needs a JSON number", () => {
  const pattern = synthesizedPattern("LOW");
  const event = asEvent(findings[0].file);
  expect(matchesEventPattern(pattern, { ...event, detail: { ...event.detail, severity: "9" } })).toBe(false);
});

test("events from other sources do not match", () => {
  const pattern = synthesizedPattern("LOW");
  const event = asEvent(findings[0].file);
  expect(matchesEventPattern(pattern, { ...event, source: "aws.securityhub" })).toBe(false);
});
