/**
 * `awsConfig`: AWS Config managed rules per region, an optional recorder, and which rules alert
 * when a resource turns NON_COMPLIANT.
 */
import { z } from "zod";
import { MANAGED_RULES, managedRuleIdentifier } from "../../detection/aws-config-managed-rules";
import type { AddIssue } from "./common";
import { nearMiss } from "./near-miss";

const RULE_NAMES = Object.keys(MANAGED_RULES);
const IDENTIFIER_TO_NAME = new Map(Object.entries(MANAGED_RULES).map(([name, id]) => [id, name]));

/** Why a managed-rule name is refused, with the likely intended name. */
export function unknownManagedRuleMessage(name: string): string {
  // People often paste the API identifier (S3_BUCKET_PUBLIC_READ_PROHIBITED) instead of the name.
  const fromIdentifier = IDENTIFIER_TO_NAME.get(name.trim().toUpperCase());
  const near = fromIdentifier ?? nearMiss(name, RULE_NAMES);
  return (
    `"${name}" is not an AWS Config managed rule` +
    " (use its name from the AWS Config developer guide's list of managed rules, e.g. s3-bucket-public-read-prohibited;" +
    " a rule AWS added recently goes in detection/aws-config-managed-rules.ts)" +
    (near ? `; did you mean "${near}"?` : "")
  );
}

const managedRuleName = z.string().refine((name) => managedRuleIdentifier(name) !== undefined, {
  error: (issue) => unknownManagedRuleMessage(String(issue.input)),
});

export const awsConfigSection = z.strictObject({
  /** Managed rules to create in every region (account-wide IAM rules only in homeRegion). */
  managedRules: z.array(managedRuleName).default([]),
  /**
   * true: a recorder for all resource types in every region, with its delivery channel, bucket
   * and role. Only one recorder per account and region can exist (README: AWS Config).
   */
  createRecorder: z.boolean().default(false),
  /**
   * Regions whose recorder and delivery channel named `default` already exist: the first plan
   * imports them instead of creating new ones (AWS allows one of each per region). Needs
   * createRecorder: true.
   */
  adoptRecorderIn: z.array(z.string()).optional(),
  /**
   * Parameters of rules in managedRules, by rule name, as on each rule's guide page (e.g.
   * access-keys-rotated: { maxAccessKeyAge: 90 }). Some rules need them: AWS refuses those without.
   */
  ruleParameters: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))).optional(),
  /** Rules whose changes to NON_COMPLIANT alert; default: every rule in managedRules. */
  notify: z.array(z.string()).optional(),
});

export type AwsConfigSettings = z.output<typeof awsConfigSection>;

/** Rules across the section, run with every other problem (values may be of any type). */
export function checkAwsConfig(section: unknown, regions: readonly unknown[], issue: AddIssue): void {
  if (!section || typeof section !== "object") return;
  const { managedRules, notify, createRecorder, adoptRecorderIn, ruleParameters } = section as {
    ruleParameters?: unknown;
    managedRules?: unknown;
    notify?: unknown;
    createRecorder?: unknown;
    adoptRecorderIn?: unknown;
  };
  if (Array.isArray(adoptRecorderIn)) {
    if (adoptRecorderIn.length > 0 && createRecorder !== true)
      issue(["awsConfig", "adoptRecorderIn"], "adopting a recorder means managing it: set createRecorder: true, or remove adoptRecorderIn");
    adoptRecorderIn.forEach((r, i) => {
      if (typeof r === "string" && regions.length > 0 && !regions.includes(r))
        issue(["awsConfig", "adoptRecorderIn", i], `"${r}" is not one of regions; list only regions this config manages`);
    });
  }
  const rules = Array.isArray(managedRules) ? managedRules.filter((r): r is string => typeof r === "string") : [];
  const seen = new Map<string, number>();
  (Array.isArray(managedRules) ? managedRules : []).forEach((r, i) => {
    if (typeof r !== "string") return;
    if (seen.has(r)) issue(["awsConfig", "managedRules", i], `"${r}" is listed twice (also managedRules[${seen.get(r)}]); remove one`);
    else seen.set(r, i);
  });
  if (ruleParameters && typeof ruleParameters === "object") {
    for (const rule of Object.keys(ruleParameters)) {
      if (rules.includes(rule)) continue;
      const near = nearMiss(rule, rules);
      issue(
        ["awsConfig", "ruleParameters", rule],
        "parameters for a rule not in awsConfig.managedRules (add the rule there, or remove its parameters)" +
          (near ? `; did you mean "${near}"?` : ""),
      );
    }
  }
  if (!Array.isArray(notify)) return;
  notify.forEach((n, i) => {
    if (typeof n !== "string" || rules.includes(n)) return;
    const near = nearMiss(n, rules);
    issue(
      ["awsConfig", "notify", i],
      `"${n}" is not one of awsConfig.managedRules (notify names rules this config creates: add it to managedRules, or remove it here)` +
        (near ? `; did you mean "${near}"?` : ""),
    );
  });
}
