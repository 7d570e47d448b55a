import { parse } from "yaml";
import type { AccountResult } from "../../scripts/discover/model";
import { describeError } from "../../scripts/discover/problems";
import { failures, renderReport, renderYaml } from "../../scripts/discover/report";

const ID = "6ab0c1d2e3f4a5b6c7d8e9f0a1b2c3d4";
const found = (key: string, region: string): AccountResult => ({
  key,
  accountId: "111111111111",
  regions: [{ region, detectors: [{ id: ID, status: "ENABLED" }], notes: [] }],
});

describe("the existingDetectors YAML", () => {
  test("account names YAML would read as something else are quoted, so they read back as the names", () => {
    const yaml = renderYaml([found("null", "us-east-1"), found("yes", "eu-west-1"), found("prod", "eu-north-1")], true);
    expect(parse(yaml)).toEqual({
      guardduty: { existingDetectors: { null: { "us-east-1": ID }, yes: { "eu-west-1": ID }, prod: { "eu-north-1": ID } } },
    });
    expect(yaml).toContain('"null": {');
  });

  test("no detector anywhere, or manageDetector false, gives a comment and nothing to paste", () => {
    const none: AccountResult = { key: "default", regions: [{ region: "us-east-1", detectors: [], notes: [] }] };
    expect(renderYaml([none], true)).toMatch(/^# No existing GuardDuty detectors/);
    expect(parse(renderYaml([none], true))).toBeNull();
    expect(renderYaml([found("prod", "us-east-1")], false)).toMatch(/^# guardduty\.manageDetector is false/);
  });

  test("a region with two detectors is reported and left out of the YAML", () => {
    const two: AccountResult = {
      key: "prod",
      regions: [
        {
          region: "us-east-1",
          detectors: [
            { id: ID, status: "ENABLED" },
            { id: "0".repeat(32), status: "ENABLED" },
          ],
          notes: [],
        },
      ],
    };
    expect(renderYaml([two], true)).toMatch(/^# No existing/);
    expect(renderReport([two], true).join("\n")).toMatch(/2 detectors .*GuardDuty allows one; not adopted/);
  });

  test("a region that is not enabled is not a failure; a denied one is", () => {
    const accounts: AccountResult[] = [
      {
        key: "prod",
        regions: [
          { region: "ap-east-1", problem: { kind: "region-not-enabled", message: "not enabled" }, notes: [] },
          { region: "us-east-1", problem: { kind: "access-denied", message: "denied" }, notes: [] },
        ],
      },
    ];
    expect(failures(accounts)).toEqual(["prod us-east-1"]);
  });
});

describe("AWS errors in words", () => {
  const err = (name: string, message = "m", extra: object = {}) => Object.assign(new Error(message), { name, ...extra });
  test.each([
    ["no credentials", err("CredentialsProviderError", "Could not load credentials from any providers"), true, "no-credentials"],
    ["a disabled region (JSON API)", err("UnrecognizedClientException"), true, "region-not-enabled"],
    ["a disabled region (query API)", err("InvalidClientTokenId"), true, "region-not-enabled"],
    ["bad base credentials", err("InvalidClientTokenId"), false, "credentials-refused"],
    ["expired credentials", err("ExpiredToken"), false, "credentials-refused"],
    ["access denied", err("AccessDeniedException"), true, "access-denied"],
    ["a network error", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }), true, "unreachable"],
    ["anything else", err("InternalServerErrorException", "boom\nsecond line"), true, "failed"],
  ])("%s", (_what, error, inRegion, kind) => {
    const p = describeError(error, inRegion);
    expect(p.kind).toBe(kind);
    expect(p.message).not.toContain("\n");
  });
});
