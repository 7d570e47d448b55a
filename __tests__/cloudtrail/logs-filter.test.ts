/**
 * The test evaluator against the examples of the CloudWatch Logs docs, "Filter and Pattern Syntax"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html), as archived at
 * https://github.com/awsdocs/amazon-cloudwatch-logs-user-guide/blob/1487b9496d8366bf7039a1efbeeb3a0702b42c50/doc_source/FilterAndPatternSyntax.md
 * Events and patterns are copied from that page; "matches" / "doesn't match" is what the page says.
 */
import { matchesFilterPattern, parseFilterPattern } from "../helpers/logs-filter";

// "JSON Metric Filter Examples": "The following is a JSON example" and "The following filters would match".
const metricFilterExample = {
  eventType: "UpdateTrail",
  sourceIPAddress: "111.111.111.111",
  arrayKey: ["value", "another value"],
  objectList: [
    { name: "a", id: 1 },
    { name: "b", id: 2 },
  ],
  SomeObject: null,
  ThisFlag: true,
};

// "JSON Compound Conditions".
const compoundExample = {
  user: { id: 1, email: "John.Stiles@example.com" },
  users: [
    { id: 2, email: "John.Doe@example.com" },
    { id: 3, email: "Jane.Doe@example.com" },
  ],
  actions: ["GET", "PUT", "DELETE"],
  coordinates: [
    [0, 1, 2],
    [4, 5, 6],
    [7, 8, 9],
  ],
};

describe("the filter evaluator on the documented JSON examples", () => {
  it.each([
    '{ $.eventType = "UpdateTrail" }',
    "{ $.sourceIPAddress != 123.123.* }",
    '{ $.arrayKey[0] = "value" }',
    "{ $.objectList[1].id = 2 }",
    "{ $.SomeObject IS NULL }",
    "{ $.SomeOtherObject NOT EXISTS }",
    "{ $.ThisFlag IS TRUE }",
  ])("matches %s, as the docs say", (pattern) => {
    expect(matchesFilterPattern(pattern, metricFilterExample)).toBe(true);
  });

  it("does not match the same filters when the value differs (a wildcard != excludes its prefix)", () => {
    expect(matchesFilterPattern('{ $.eventType = "CreateTrail" }', metricFilterExample)).toBe(false);
    expect(matchesFilterPattern("{ $.sourceIPAddress != 111.111.* }", metricFilterExample)).toBe(false);
    expect(matchesFilterPattern("{ $.objectList[1].id = 1 }", metricFilterExample)).toBe(false);
    expect(matchesFilterPattern("{ $.eventType IS NULL }", metricFilterExample)).toBe(false);
    expect(matchesFilterPattern("{ $.SomeObject NOT EXISTS }", metricFilterExample)).toBe(false);
    expect(matchesFilterPattern("{ $.ThisFlag IS FALSE }", metricFilterExample)).toBe(false);
  });

  it("is false for an array index on a non-array ('If arrayKey is not an array this will be false')", () => {
    expect(matchesFilterPattern('{ $.eventType[0] = "UpdateTrail" }', metricFilterExample)).toBe(false);
  });

  it.each([
    ['{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', true],
    ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', false],
    ['{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }', true],
    ['{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }', false],
  ])("applies () > && > || precedence: %s -> %s", (pattern, expected) => {
    expect(matchesFilterPattern(pattern, compoundExample)).toBe(expected);
  });

  it("fails both = and != when the selector points to an array ('JSON Special Considerations')", () => {
    const event = { users: [1, 2, 3] };
    expect(matchesFilterPattern("{$.users = 1}", event)).toBe(false);
    expect(matchesFilterPattern("{$.users != 1}", event)).toBe(false);
  });

  it("treats != on a missing field as no match, so NOT EXISTS has to be added for it", () => {
    const event = { user: { username: "gonbe" } };
    expect(matchesFilterPattern('{ $.user.phone != "08000000000" }', event)).toBe(false);
    expect(matchesFilterPattern('{ ($.user.phone != "08000000000") || ($.user.phone NOT EXISTS) }', event)).toBe(true);
  });

  it("ORs JSON terms: {$.foo = bar || $.foo = baz} matches both documented events", () => {
    expect(matchesFilterPattern("{$.foo = bar}", { foo: "bar" })).toBe(true);
    expect(matchesFilterPattern("{$.foo = bar}", { foo: "baz" })).toBe(false);
    expect(matchesFilterPattern("{$.foo = baz }", { foo: "baz" })).toBe(true);
    expect(matchesFilterPattern("{$.foo = bar || $.foo = baz }", { foo: "bar" })).toBe(true);
    expect(matchesFilterPattern("{$.foo = bar || $.foo = baz }", { foo: "baz" })).toBe(true);
  });

  it("uses * only at the start or end: *Event and Event* match, Ev*ent only matches the literal string", () => {
    expect(matchesFilterPattern("{ $.e = *Event }", { e: "PutEvent" })).toBe(true);
    expect(matchesFilterPattern("{ $.e = *Event }", { e: "GetEvent" })).toBe(true);
    expect(matchesFilterPattern("{ $.e = Event* }", { e: "EventId" })).toBe(true);
    expect(matchesFilterPattern("{ $.e = Event* }", { e: "EventName" })).toBe(true);
    expect(matchesFilterPattern("{ $.e = Event* }", { e: "PutEvent" })).toBe(false);
    expect(matchesFilterPattern("{ $.e = Ev*ent }", { e: "Event" })).toBe(false);
    expect(matchesFilterPattern("{ $.e = Ev*ent }", { e: "Ev*ent" })).toBe(true);
    expect(matchesFilterPattern('{ $.e = "*Unauthorized*" }', { e: "Client.UnauthorizedOperation" })).toBe(true);
  });

  it("is case sensitive ('Filter patterns are case sensitive')", () => {
    expect(matchesFilterPattern('{ $.MFAUsed = "Yes" }', { MFAUsed: "YES" })).toBe(false);
  });

  it.each([
    ["{ $.latency >= 500 }", { latency: 500 }, true],
    ["{ $.latency >= 500 }", { latency: 499 }, false],
    ["{ $.numbers[0] < 10e3 }", { numbers: [9999] }, true],
    ["{ $.numbers[0] < 10e-3 }", { numbers: [0.01] }, false],
    ["{ $.processes[4].averageRuntime <= 55.5 }", { processes: [0, 0, 0, 0, { averageRuntime: 55.5 }] }, true],
    ["{ $.errorCode = 400 }", { errorCode: 400 }, true],
    ["{ $.errorCode != 500 }", { errorCode: 400 }, true],
    ["{ $.latency > +1000 }", { latency: 1000 }, false],
  ])("compares numbers as documented: %s on %j -> %s", (pattern, event, expected) => {
    expect(matchesFilterPattern(pattern, event)).toBe(expected);
  });

  it("refuses text that is not a JSON filter pattern instead of guessing", () => {
    expect(() => parseFilterPattern("$.a = 1")).toThrow(/starts with \{/);
    expect(() => parseFilterPattern("{ $.a = 1 ")).toThrow(/expected \}/);
    expect(() => parseFilterPattern("{ ($.a = 1 }")).toThrow(/expected \)/);
    expect(() => parseFilterPattern("{ $.a IS MISSING }")).toThrow(/NULL, TRUE or FALSE/);
    expect(() => parseFilterPattern('{ $.a = "open }')).toThrow(/unterminated/);
  });
});
