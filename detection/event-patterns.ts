/**
 * EventBridge event patterns, as plain data so tests can match real events against them.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 */

/**
 * GuardDuty findings at or above a severity. A numeric `>=` (not a list of severities) matches
 * decimal severities such as 8.3 and the Critical band 9.0-10.0 that word lists miss.
 */
export function guardDutyFindingPattern(minSeverity: number): Record<string, unknown> {
  return {
    source: ["aws.guardduty"],
    "detail-type": ["GuardDuty Finding"],
    detail: { severity: [{ numeric: [">=", minSeverity] }] },
  };
}
