import { readFileSync } from "node:fs";
import { join } from "node:path";
import { assertValidEventPattern, matchesEventPattern } from "./event-pattern";

// The sample event of aws/event-ruler's README and the EventBridge content-filtering docs.
const ec2Event = {
  version: "0",
  id: "ddddd4-aaaa-7777-4444-345dd43cc333",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "012345679012",
  time: "2017-10-02T16:24:49Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
  detail: {
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.33",
    "instance-id": "i-000000aaaaaa00000",
    state: "running",
  },
};
const withDetail = (detail: Record<string, unknown>) => ({ ...ec2Event, detail: { ...ec2Event.detail, ...detail } });

describe("exact matching", () => {
  it("matches when every field matches one of its listed values", () => {
    const pattern = {
      "detail-type": ["EC2 Instance State-change Notification"],
      resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
      detail: { state: ["initializing", "running"] },
    };
    expect(matchesEventPattern(pattern, ec2Event)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: "stopped" }))).toBe(false);
  });

  it("requires every field (AND), at every nesting level", () => {
    expect(matchesEventPattern({ source: ["aws.ec2"], detail: { state: ["running"] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ source: ["aws.ec2"], detail: { state: ["stopped"] } }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ source: ["aws.s3"], detail: { state: ["running"] } }, ec2Event)).toBe(false);
  });

  it("does not match a field the event lacks", () => {
    expect(matchesEventPattern({ detail: { "no-such-field": ["running"] } }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ nested: { deeper: ["x"] } }, ec2Event)).toBe(false);
  });

  it('compares JSON types strictly: a number is not its string, true is not "true"', () => {
    expect(matchesEventPattern({ detail: { "c-count": [5] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { "c-count": ["5"] } }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ detail: { flag: [true] } }, withDetail({ flag: true }))).toBe(true);
    expect(matchesEventPattern({ detail: { flag: [true] } }, withDetail({ flag: "true" }))).toBe(false);
  });

  it("matches null and the empty string, without mixing them up", () => {
    const event = withDetail({ eventVersion: "", responseElements: null });
    expect(matchesEventPattern({ detail: { eventVersion: [""] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { responseElements: [null] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { eventVersion: [null] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { responseElements: [""] } }, event)).toBe(false);
  });

  it("is case-sensitive", () => {
    expect(matchesEventPattern({ source: ["AWS.EC2"] }, ec2Event)).toBe(false);
  });
});

describe("arrays in events", () => {
  it("match when any element matches one of the listed values", () => {
    const event = withDetail({ state: ["initializing", "running"] });
    expect(matchesEventPattern({ detail: { state: ["running"] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { state: ["stopped", "terminated"] } }, event)).toBe(false);
  });

  it("match nested objects element by element (array-consistent)", () => {
    const event = {
      employees: [
        { firstName: "John", lastName: "Doe" },
        { firstName: "Anna", lastName: "Smith" },
        { firstName: "Peter", lastName: "Jones" },
      ],
    };
    expect(matchesEventPattern({ employees: { firstName: ["Anna"] } }, event)).toBe(true);
    expect(matchesEventPattern({ employees: { firstName: ["Anna"], lastName: ["Smith"] } }, event)).toBe(true);
    expect(matchesEventPattern({ employees: { firstName: ["Anna"], lastName: ["Jones"] } }, event)).toBe(false);
  });

  it("are flattened across levels", () => {
    const event = { employees: [[{ firstName: "John" }, { firstName: "Anna" }], [{ firstName: "Peter" }]] };
    expect(matchesEventPattern({ employees: { firstName: ["Peter"] } }, event)).toBe(true);
    expect(matchesEventPattern({ employees: { firstName: ["Paul"] } }, event)).toBe(false);
  });
});

describe("prefix", () => {
  it("matches the start of a string value", () => {
    expect(matchesEventPattern({ time: [{ prefix: "2017-10-02" }] }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ time: [{ prefix: "2017-10-03" }] }, ec2Event)).toBe(false);
  });

  it("ignores case with equals-ignore-case", () => {
    const event = withDetail({ service: "eventbridge" });
    expect(matchesEventPattern({ detail: { service: [{ prefix: { "equals-ignore-case": "EventB" } }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { service: [{ prefix: "EventB" }] } }, event)).toBe(false);
  });

  it("never matches a number", () => {
    expect(matchesEventPattern({ detail: { "c-count": [{ prefix: "5" }] } }, ec2Event)).toBe(false);
  });
});

describe("suffix", () => {
  it("matches the end of a string value", () => {
    expect(matchesEventPattern({ detail: { FileName: [{ suffix: ".png" }] } }, withDetail({ FileName: "a.png" }))).toBe(true);
    expect(matchesEventPattern({ detail: { FileName: [{ suffix: ".png" }] } }, withDetail({ FileName: "a.PNG" }))).toBe(false);
  });

  it("ignores case with equals-ignore-case", () => {
    const pattern = { detail: { FileName: [{ suffix: { "equals-ignore-case": ".png" } }] } };
    expect(matchesEventPattern(pattern, withDetail({ FileName: "a.PNG" }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ FileName: "a.jpg" }))).toBe(false);
  });
});

describe("equals-ignore-case", () => {
  it("matches a string in any case", () => {
    expect(matchesEventPattern({ detail: { name: [{ "equals-ignore-case": "alice" }] } }, withDetail({ name: "Alice" }))).toBe(true);
    expect(matchesEventPattern({ detail: { name: [{ "equals-ignore-case": "alice" }] } }, withDetail({ name: "Alicia" }))).toBe(false);
  });
});

describe("wildcard", () => {
  it("matches * against any run of characters", () => {
    expect(matchesEventPattern({ source: [{ wildcard: "Simple*Service" }] }, { source: "Simple Queue Service" })).toBe(true);
    expect(matchesEventPattern({ source: [{ wildcard: "Simple*Service" }] }, { source: "Simple Queue Services" })).toBe(false);
    expect(matchesEventPattern({ path: [{ wildcard: "*/lib/*" }] }, { path: "/usr/lib/x.so" })).toBe(true);
  });

  it("treats regular-expression characters and escaped stars literally", () => {
    expect(matchesEventPattern({ a: [{ wildcard: "a.b\\*" }] }, { a: "a.b*" })).toBe(true);
    expect(matchesEventPattern({ a: [{ wildcard: "a.b\\*" }] }, { a: "axb*" })).toBe(false);
    expect(matchesEventPattern({ a: [{ wildcard: "a.b\\*" }] }, { a: "a.bc" })).toBe(false);
  });

  it("rejects consecutive stars and unknown escapes", () => {
    expect(() => matchesEventPattern({ a: [{ wildcard: "a**b" }] }, {})).toThrow(/consecutive \*/);
    expect(() => matchesEventPattern({ a: [{ wildcard: "a\\b" }] }, {})).toThrow(/may only escape/);
  });
});

describe("anything-but", () => {
  it("excludes one string", () => {
    const pattern = { detail: { state: [{ "anything-but": "initializing" }] } };
    expect(matchesEventPattern(pattern, ec2Event)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: "initializing" }))).toBe(false);
  });

  it("excludes one number", () => {
    const pattern = { detail: { "x-limit": [{ "anything-but": 123 }] } };
    expect(matchesEventPattern(pattern, ec2Event)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ "x-limit": 123 }))).toBe(false);
  });

  it("excludes a list of strings or of numbers", () => {
    expect(matchesEventPattern({ detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } }, ec2Event)).toBe(true);
    expect(
      matchesEventPattern({ detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } }, withDetail({ state: "stopped" })),
    ).toBe(false);
    expect(matchesEventPattern({ detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } }, withDetail({ "x-limit": 200 }))).toBe(
      false,
    );
  });

  it("excludes a prefix or a suffix", () => {
    const prefix = { detail: { state: [{ "anything-but": { prefix: "init" } }] } };
    expect(matchesEventPattern(prefix, ec2Event)).toBe(true);
    expect(matchesEventPattern(prefix, withDetail({ state: "initializing" }))).toBe(false);
    const suffix = { detail: { FileName: [{ "anything-but": { suffix: ".png" } }] } };
    expect(matchesEventPattern(suffix, withDetail({ FileName: "a.txt" }))).toBe(true);
    expect(matchesEventPattern(suffix, withDetail({ FileName: "a.png" }))).toBe(false);
  });

  it("excludes ignoring case, and by wildcard", () => {
    const ignoreCase = {
      detail: { state: [{ "anything-but": { "equals-ignore-case": ["initializing", "stopped"] } }] },
    };
    expect(matchesEventPattern(ignoreCase, ec2Event)).toBe(true);
    expect(matchesEventPattern(ignoreCase, withDetail({ state: "INITIALIZING" }))).toBe(false);
    const wildcard = { detail: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] } };
    expect(matchesEventPattern(wildcard, withDetail({ FilePath: "/usr/bin/x" }))).toBe(true);
    expect(matchesEventPattern(wildcard, withDetail({ FilePath: "/usr/lib/x" }))).toBe(false);
  });

  it("needs the field to be present", () => {
    expect(matchesEventPattern({ detail: { missing: [{ "anything-but": "x" }] } }, ec2Event)).toBe(false);
  });

  it("matches an event array when any element is not excluded", () => {
    const pattern = { detail: { state: [{ "anything-but": "initializing" }] } };
    expect(matchesEventPattern(pattern, withDetail({ state: ["initializing", "running"] }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: ["initializing"] }))).toBe(false);
  });
});

describe("numeric", () => {
  it("matches a range, an upper bound and an equality together", () => {
    const pattern = {
      detail: {
        "c-count": [{ numeric: [">", 0, "<=", 5] }],
        "d-count": [{ numeric: ["<", 10] }],
        "x-limit": [{ numeric: ["=", 3.018e2] }],
      },
    };
    expect(matchesEventPattern(pattern, ec2Event)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ "c-count": 6 }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ "c-count": 0 }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ "x-limit": 301.9 }))).toBe(false);
  });

  it("includes the bound with >= and excludes it with >", () => {
    expect(matchesEventPattern({ detail: { severity: [{ numeric: [">=", 7] }] } }, { detail: { severity: 7 } })).toBe(true);
    expect(matchesEventPattern({ detail: { severity: [{ numeric: [">", 7] }] } }, { detail: { severity: 7 } })).toBe(false);
  });

  it("applies only to JSON numbers, not to numeric strings", () => {
    expect(matchesEventPattern({ detail: { severity: [{ numeric: [">=", 7] }] } }, { detail: { severity: "8" } })).toBe(false);
  });

  it("rejects malformed conditions", () => {
    expect(() => assertValidEventPattern({ a: [{ numeric: [">=", "7"] }] })).toThrow(/"numeric" takes/);
    expect(() => assertValidEventPattern({ a: [{ numeric: [">", 0, ">", 5] }] })).toThrow(/"numeric" takes/);
    expect(() => assertValidEventPattern({ a: [{ numeric: [">", 5, "<", 1] }] })).toThrow(/"numeric" takes/);
    expect(() => assertValidEventPattern({ a: [{ numeric: ["==", 5] }] })).toThrow(/"numeric" takes/);
  });
});

describe("exists", () => {
  it("true matches a present leaf, also when it is null", () => {
    expect(matchesEventPattern({ detail: { "c-count": [{ exists: true }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { gone: [{ exists: true }] } }, withDetail({ gone: null }))).toBe(true);
    expect(matchesEventPattern({ detail: { missing: [{ exists: true }] } }, ec2Event)).toBe(false);
  });

  it("false matches a missing field, also when a parent is missing", () => {
    expect(matchesEventPattern({ detail: { missing: [{ exists: false }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ nothing: { here: [{ exists: false }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { "c-count": [{ exists: false }] } }, ec2Event)).toBe(false);
  });

  it("works on leaf nodes only: an object field does not exist", () => {
    const event = withDetail({ "c-count": { c1: 100 } });
    expect(matchesEventPattern({ detail: { "c-count": [{ exists: false }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { "c-count": [{ exists: true }] } }, event)).toBe(false);
  });

  it("treats an empty event array as absent", () => {
    expect(matchesEventPattern({ resources: [{ exists: false }] }, { ...ec2Event, resources: [] })).toBe(true);
    expect(matchesEventPattern({ resources: [{ exists: true }] }, { ...ec2Event, resources: [] })).toBe(false);
  });
});

describe("cidr", () => {
  it("matches IPv4 addresses inside the block", () => {
    expect(matchesEventPattern({ detail: { "source-ip": [{ cidr: "10.0.0.0/24" }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { "source-ip": [{ cidr: "10.0.1.0/24" }] } }, ec2Event)).toBe(false);
  });

  it("matches IPv6 addresses inside the block", () => {
    const pattern = { ip: [{ cidr: "2001:db8::/32" }] };
    expect(matchesEventPattern(pattern, { ip: "2001:db8:0:1::5" })).toBe(true);
    expect(matchesEventPattern(pattern, { ip: "2001:db9::5" })).toBe(false);
    expect(matchesEventPattern(pattern, { ip: "10.0.0.1" })).toBe(false);
  });
});

describe("$or", () => {
  it("matches when any alternative matches, next to other fields", () => {
    const pattern = {
      source: ["aws.cloudwatch"],
      $or: [{ metricName: ["CPUUtilization", "ReadLatency"] }, { namespace: ["AWS/EC2", "AWS/ES"] }],
    };
    expect(matchesEventPattern(pattern, { source: "aws.cloudwatch", namespace: "AWS/ES" })).toBe(true);
    expect(matchesEventPattern(pattern, { source: "aws.cloudwatch", namespace: "AWS/S3" })).toBe(false);
    expect(matchesEventPattern(pattern, { source: "aws.ec2", metricName: "ReadLatency" })).toBe(false);
  });
});

describe("pattern validation", () => {
  it("throws on an unknown operator, naming where it is", () => {
    expect(() => matchesEventPattern({ detail: { state: [{ prefx: "init" }] } }, ec2Event)).toThrow(
      'event pattern at detail.state[0]: unknown operator "prefx"',
    );
  });

  it("throws even when another field already fails to match", () => {
    expect(() => matchesEventPattern({ source: ["aws.s3"], detail: { x: [{ anything_but: 1 }] } }, ec2Event)).toThrow(
      /unknown operator "anything_but"/,
    );
  });

  it.each([
    ["a bare value instead of a list", { source: "aws.ec2" }, /expected a list of values or a nested object/],
    ["an empty list", { source: [] }, /empty list/],
    ["two operators in one object", { source: [{ prefix: "a", suffix: "b" }] }, /exactly one operator/],
    ["a non-boolean exists", { source: [{ exists: "yes" }] }, /"exists" takes true or false/],
    ["a mixed anything-but list", { source: [{ "anything-but": ["a", 1] }] }, /all strings or all numbers/],
    ["a bad cidr", { ip: [{ cidr: "10.0.0.0/33" }] }, /"cidr" takes/],
    ["a one-element $or", { $or: [{ a: ["x"] }] }, /"\$or" needs/],
  ])("throws on %s", (_name, pattern, error) => {
    expect(() => assertValidEventPattern(pattern)).toThrow(error);
  });
});

describe("a pattern from synthesized Terraform", () => {
  // The GuardDuty rule of the tfstub fixture: severity >= 7 (High and Critical).
  const tf = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "tfstub-alerts.cdk.tf.json"), "utf8"));
  const pattern = JSON.parse(tf.resource.aws_cloudwatch_event_rule["rule-eu-west-1"].event_pattern);
  const finding = (severity: number) => ({
    source: "aws.guardduty",
    "detail-type": "GuardDuty Finding",
    detail: { severity },
  });

  it("matches a high-severity finding and not a medium one", () => {
    expect(matchesEventPattern(pattern, finding(8.3))).toBe(true);
    expect(matchesEventPattern(pattern, finding(5))).toBe(false);
  });
});
