/**
 * GuardDuty severity bands, defined once for the config, the findings rule and the notifier:
 * Low 1.0-3.9, Medium 4.0-6.9, High 7.0-8.9, Critical 9.0-10.0.
 * https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html
 */
export const SEVERITY_FLOORS = { LOW: 1, MEDIUM: 4, HIGH: 7, CRITICAL: 9 } as const;
export type SeverityWord = keyof typeof SEVERITY_FLOORS;
export const SEVERITY_WORDS = Object.keys(SEVERITY_FLOORS) as SeverityWord[];

/** A config severity (a word or a number 1-10) as the numeric floor EventBridge compares with. */
export function severityFloor(value: SeverityWord | number): number {
  return typeof value === "number" ? value : SEVERITY_FLOORS[value];
}

/** The band a numeric severity falls in; anything below Medium (even under 1.0) is Low. */
export function severityBand(severity: number): SeverityWord {
  if (severity >= SEVERITY_FLOORS.CRITICAL) return "CRITICAL";
  if (severity >= SEVERITY_FLOORS.HIGH) return "HIGH";
  if (severity >= SEVERITY_FLOORS.MEDIUM) return "MEDIUM";
  return "LOW";
}
