/**
 * EventBridge patterns of the AWS Config and Security Hub alert rules, as plain data so tests can
 * match real events against them.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 */

/**
 * A resource turning NON_COMPLIANT under one of the named rules. AWS Config sends "Config Rules
 * Compliance Change" only when a resource's compliance changes, so a resource that stays
 * NON_COMPLIANT alerts once, not at every evaluation.
 * https://docs.aws.amazon.com/config/latest/developerguide/monitor-config-with-cloudwatchevents.html
 */
export function configComplianceChangePattern(configRuleNames: readonly string[]): Record<string, unknown> {
  return {
    source: ["aws.config"],
    "detail-type": ["Config Rules Compliance Change"],
    detail: {
      messageType: ["ComplianceChangeNotification"],
      configRuleName: [...configRuleNames],
      newEvaluationResult: { complianceType: ["NON_COMPLIANT"] },
    },
  };
}

/**
 * Security Hub findings imported at one of the given severity labels, still NEW (not yet
 * NOTIFIED, SUPPRESSED or RESOLVED by someone) and ACTIVE (not archived). The conditions sit under
 * `findings`, an array: EventBridge matches them against one and the same finding, so a
 * suppressed CRITICAL finding next to a NEW LOW one does not match.
 *
 * GuardDuty's own findings are left out: Security Hub imports them too, and the GuardDuty rule
 * already alerts on them at its own floor. (`ProductArn` is a required ASFF field, unlike
 * `ProductName`; anything-but on a missing field would drop the finding.)
 * https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-event-formats.html
 */
export function securityHubFindingsPattern(labels: readonly string[]): Record<string, unknown> {
  return {
    source: ["aws.securityhub"],
    "detail-type": ["Security Hub Findings - Imported"],
    detail: {
      findings: {
        Severity: { Label: [...labels] },
        Workflow: { Status: ["NEW"] },
        RecordState: ["ACTIVE"],
        ProductArn: [{ "anything-but": { suffix: "/aws/guardduty" } }],
      },
    },
  };
}
