/** `guardduty`: the detector, its protection plans, the alert floor, and detectors to adopt. */
import { z } from "zod";
import { severity } from "./common";
import { guardDutySourcesShape } from "./guardduty-sources";

/** The `guardduty.existingDetectors` key of the credentials' own account (no `accounts`). */
export const DEFAULT_ACCOUNT_KEY = "default";

const features = z.strictObject({
  s3DataEvents: z.boolean().default(true),
  eksAuditLogs: z.boolean().default(true),
  ebsMalwareProtection: z.boolean().default(true),
  rdsLoginEvents: z.boolean().default(true),
  lambdaNetworkLogs: z.boolean().default(true),
  runtimeMonitoring: z.boolean().default(false),
});

/** GuardDuty detector ids are 32 lowercase hex characters. */
const DETECTOR_ID = /^[0-9a-f]{32}$/;
const detectorId = z.string({ error: "use the detector id as a string of 32 hex characters" }).refine((s) => DETECTOR_ID.test(s), {
  error: (issue) =>
    DETECTOR_ID.test(String(issue.input).toLowerCase())
      ? `GuardDuty detector ids are lower case; write ${String(issue.input).toLowerCase()}`
      : `"${String(issue.input)}" is not a GuardDuty detector id (32 lowercase hex characters, e.g. 6ab0c1d2e3f4a5b6c7d8e9f0a1b2c3d4); list them with aws guardduty list-detectors --region <region>`,
});

export const guardduty = z.strictObject({
  /**
   * false: the account already has a detector that someone else manages (an organization's
   * delegated administrator): alert on its findings, but create no detector and set no plans.
   */
  manageDetector: z.boolean().default(true),
  minSeverity: severity.default("HIGH"),
  findingPublishingFrequency: z
    .enum(["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"], { error: "use FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS" })
    .default("FIFTEEN_MINUTES"),
  features: features.default(() => features.parse({})),
  /**
   * Detectors that already exist, to adopt instead of create: account name (or `default` for the
   * credentials' own account) -> region -> detector id. Checked against accounts and regions in
   * config/rules.ts.
   */
  existingDetectors: z.record(z.string(), z.record(z.string(), detectorId)).default({}),
  ...guardDutySourcesShape,
});

export type GuardDutyConfig = z.output<typeof guardduty>;
export type GuardDutyFeatures = z.output<typeof features>;
export type FindingPublishingFrequency = GuardDutyConfig["findingPublishingFrequency"];
