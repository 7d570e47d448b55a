import type { SlackMessage } from "./blocks";

export interface FormatOptions {
  /** Account id → friendly name, shown next to the id. */
  readonly accountNames: Readonly<Record<string, string>>;
}

/** A formatted notification and its severity on GuardDuty's 0-10 scale, which webhook routing uses. */
export interface Formatted {
  readonly kind: "guardduty" | "alarm" | "config" | "securityhub" | "generic";
  readonly severity: number;
  readonly message: SlackMessage;
}

/**
 * Normalized severities for non-GuardDuty messages, on GuardDuty's scale
 * (Low <4, Medium 4-6.9, High 7-8.9, Critical >=9). An alarm in ALARM is High because the
 * baseline's alarms are CloudTrail security metrics (root use, IAM/trail changes); a Config rule
 * turning NON_COMPLIANT is Medium. Resolutions (OK, COMPLIANT) are Low.
 */
export const NORMALIZED_SEVERITY = {
  alarmFiring: 7,
  configNonCompliant: 4,
  resolved: 1,
  generic: 0,
} as const;
