/**
 * `guardduty.export`, `guardduty.suppress` and `guardduty.trustedIps`: keep every finding in S3
 * under KMS, archive known noise at the source, and trust a list of addresses. Spread into the
 * `guardduty` section of the schema.
 */
import { z } from "zod";
import { FILTER_CRITERIA } from "../../detection/guardduty-filter-criteria";
import { trustedIpProblem } from "../../detection/trusted-ips";
import { names } from "../names";
import { OPT_IN_REGIONS } from "../regions";
import type { AddIssue } from "./common";
import { nearMiss } from "./near-miss";

/** GuardDuty keeps findings 90 days itself; a shorter export adds nothing. */
export const MIN_RETENTION_DAYS = 90;
/** Ten years: past that, a typo (36500) is likelier than a policy. */
export const MAX_RETENTION_DAYS = 3650;
const RETENTION_FIX = `use a whole number of days from ${MIN_RETENTION_DAYS} (GuardDuty itself keeps findings 90 days) to ${MAX_RETENTION_DAYS} (ten years)`;

const exportSettings = z.strictObject({
  /** Days an exported finding file is kept; then S3 deletes it. */
  retentionDays: z
    .number({ error: RETENTION_FIX })
    .int({ error: RETENTION_FIX })
    .min(MIN_RETENTION_DAYS, { error: RETENTION_FIX })
    .max(MAX_RETENTION_DAYS, { error: RETENTION_FIX })
    .default(365),
});

const CONDITION_FIX = "use eq or neq with a list of values, or gt, gte, lt, lte with one value, e.g. { eq: [198.51.100.7] }";
const scalar = z.union([z.string(), z.number()], { error: "use a string or a number" });
/** One criterion, in the API's short names: https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Condition.html */
const condition = z
  .strictObject({
    eq: z.array(scalar).min(1).optional(),
    neq: z.array(scalar).min(1).optional(),
    gt: scalar.optional(),
    gte: scalar.optional(),
    lt: scalar.optional(),
    lte: scalar.optional(),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), { error: CONDITION_FIX });

/** Why a filter field is refused, with the likely intended field. */
export function unknownCriterionMessage(field: string): string {
  const near = nearMiss(field, [...FILTER_CRITERIA]);
  return (
    `"${field}" is not a field GuardDuty filters can test` +
    " (see FindingCriteria in the GuardDuty CreateFilter API reference)" +
    (near ? `; did you mean "${near}"?` : "")
  );
}

const criteria = z.record(z.string(), condition).superRefine((record, ctx) => {
  for (const field of Object.keys(record)) {
    if (!FILTER_CRITERIA.has(field)) ctx.addIssue({ code: "custom", path: [field], message: unknownCriterionMessage(field) });
  }
});

/** GuardDuty filter names: letters, digits, period, underscore, dash; 3-64 with the project prefix. */
const FILTER_NAME = /^[A-Za-z0-9_.-]+$/;
/** The characters GuardDuty accepts in a filter description. */
const DESCRIPTION = /^[A-Za-z0-9\-.:_{}[\]()/\s]*$/;
/** `Recon:EC2/PortProbeUnprotectedPort`, `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS`. */
const FINDING_TYPE = /^[A-Za-z0-9]+:[A-Za-z0-9]+\/[A-Za-z0-9.!_-]+$/;

const suppression = z.strictObject({
  name: z.string().regex(FILTER_NAME, { error: "use letters, digits, periods, underscores and dashes (a GuardDuty filter name)" }),
  /** Why this noise is accepted: shown in the synth output, the plan and GuardDuty's console. */
  reason: z
    .string({ error: "say why this noise is accepted, e.g. reason: weekly authorised port scan from the security VPC" })
    .trim()
    .min(1, { error: "say why this noise is accepted, e.g. reason: weekly authorised port scan from the security VPC" })
    // The filter's description holds it: 512 characters of letters, digits, whitespace and - . : _ ( ) [ ] { } /
    // (CreateFilter API reference, Description).
    .max(512, { error: "keep the reason under 512 characters (it becomes the filter's description)" })
    .refine((r) => DESCRIPTION.test(r), {
      error: (issue) => {
        const bad = [...new Set([...String(issue.input)].filter((ch) => !DESCRIPTION.test(ch)))].join(" ");
        return `GuardDuty refuses ${bad} in a filter description; use letters, digits, spaces and - . : _ ( ) [ ] { } /`;
      },
    }),
  /** Finding types to archive; becomes the `type` criterion. */
  findingTypes: z
    .array(z.string().regex(FINDING_TYPE, { error: "use a GuardDuty finding type like Recon:EC2/PortProbeUnprotectedPort" }))
    .min(1)
    .optional(),
  /** More criteria, by GuardDuty finding field. */
  criteria: criteria.optional(),
});

const trustedIp = z.string().superRefine((value, ctx) => {
  const problem = trustedIpProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** Spread into the `guardduty` object of the schema. */
export const guardDutySourcesShape = {
  /** Keep every finding in one S3 bucket per account (homeRegion), encrypted with a KMS key. */
  export: exportSettings.optional(),
  /** Archive known noise in every region's detector. */
  suppress: z.array(suppression).optional(),
  /** Addresses GuardDuty trusts (no findings for them), as IPs or CIDR blocks. */
  trustedIps: z.array(trustedIp).optional(),
};

export type FindingsExportSettings = z.output<typeof exportSettings>;
export type SuppressionSettings = z.output<typeof suppression>;
export type Condition = z.output<typeof condition>;

/** Rules across entries, run with every other problem (values may be of any type). */
export function checkGuardDutySources(guardduty: unknown, project: unknown, issue: AddIssue): void {
  if (!guardduty || typeof guardduty !== "object") return;
  const g = guardduty as { suppress?: unknown; manageDetector?: unknown; export?: unknown; trustedIps?: unknown };
  const suppress: unknown[] = Array.isArray(g.suppress) ? g.suppress : [];
  const seenNames = new Map<string, number>();
  suppress.forEach((s, i) => {
    if (!s || typeof s !== "object") return;
    const { name, findingTypes, criteria } = s as { name?: unknown; findingTypes?: unknown; criteria?: unknown };
    if (typeof name === "string") {
      if (seenNames.has(name))
        issue(["guardduty", "suppress", i, "name"], `"${name}" is used by suppress[${seenNames.get(name)}] too; names must be unique`);
      else seenNames.set(name, i);
      const full = typeof project === "string" ? names.suppressionFilter(project, name) : name;
      if (full.length < 3 || full.length > 64)
        issue(
          ["guardduty", "suppress", i, "name"],
          `the filter name "${full}" must be 3 to 64 characters (GuardDuty's limit); shorten the name`,
        );
    }
    const hasCriteria = criteria && typeof criteria === "object" && Object.keys(criteria).length > 0;
    if (findingTypes === undefined && !hasCriteria)
      issue(["guardduty", "suppress", i], "add findingTypes or criteria: a suppression without either would archive every finding");
    if (findingTypes !== undefined && hasCriteria && "type" in (criteria as object))
      issue(["guardduty", "suppress", i, "criteria", "type"], "use findingTypes or criteria.type, not both");
  });
  if (suppress.length > 100)
    issue(["guardduty", "suppress"], `${suppress.length} suppressions; GuardDuty allows 100 filters per account and region`);
  if (g.manageDetector === false) {
    for (const key of ["export", "suppress", "trustedIps"] as const) {
      const v = g[key];
      if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
      issue(
        ["guardduty", key],
        "needs a detector this stack manages: with manageDetector: false the detector belongs to someone else (its administrator sets exports, suppression rules and IP lists)",
      );
    }
  }
}

/**
 * The export bucket and key live in homeRegion. GuardDuty exports findings of a commercial region
 * to a bucket in any commercial region, but not to an opt-in region's bucket (and an opt-in
 * region's findings only to itself or a commercial region), and the KMS key must be in the
 * bucket's region. https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html
 */
export function checkExportRegions(homeRegion: unknown, regions: readonly unknown[], guardduty: unknown, issue: AddIssue): void {
  const exporting = !!guardduty && typeof guardduty === "object" && (guardduty as { export?: unknown }).export !== undefined;
  if (!exporting || typeof homeRegion !== "string" || !(OPT_IN_REGIONS as readonly string[]).includes(homeRegion)) return;
  const others = regions.filter((r) => r !== homeRegion);
  if (others.length > 0)
    issue(
      ["guardduty", "export"],
      `the export bucket lives in homeRegion ${homeRegion}, an opt-in region, and GuardDuty cannot export other regions' findings (${others.join(", ")}) to an opt-in region's bucket; use a default region as homeRegion`,
    );
}
