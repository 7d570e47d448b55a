/**
 * `securityHub`: forward Security Hub findings (ASFF, "Security Hub Findings - Imported") at or
 * above a severity label.
 */
import { z } from "zod";

/** ASFF `Severity.Label`, lowest first. https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html */
export const SECURITY_HUB_LABELS = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;
export type SecurityHubLabel = (typeof SECURITY_HUB_LABELS)[number];

export const securityHubSection = z.strictObject({
  minSeverity: z
    .enum(SECURITY_HUB_LABELS, { error: `use one of ${SECURITY_HUB_LABELS.join(", ")} (Security Hub's severity labels)` })
    .default("HIGH"),
});

export type SecurityHubSettings = z.output<typeof securityHubSection>;

/** The labels at or above a floor, lowest first. */
export function labelsAtOrAbove(floor: SecurityHubLabel): SecurityHubLabel[] {
  return SECURITY_HUB_LABELS.slice(SECURITY_HUB_LABELS.indexOf(floor));
}
