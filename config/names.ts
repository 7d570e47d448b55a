/**
 * Every AWS name threat-alerts derives from `project`, with AWS's length limit for it.
 * Names are the same in every region and account (each account gets its own stack), so a name is
 * unique where AWS needs it to be. The config check uses `NAME_RULES` to bound `project`.
 */
import { MANAGEMENT_STACK_SUFFIX } from "./sections/organization";

export interface NameRule {
  /** What the name is, for error messages. */
  readonly what: string;
  readonly maxLength: number;
  /** The name for a project (a 12-digit account id where the name has one). */
  readonly make: (project: string) => string;
}

export const names = {
  /** One stack per account: `acme-prod`, or `acme` for the credentials' own account. */
  stack: (p: string, accountName?: string) => (accountName ? `${p}-${accountName}` : p),
  /** Organization mode: the management account's stack, which only designates the GuardDuty administrator. */
  managementStack: (p: string) => `${p}-${MANAGEMENT_STACK_SUFFIX}`,
  topic: (p: string) => `${p}-alerts`,
  keyAlias: (p: string) => `alias/${p}-alerts`,
  findingsRule: (p: string) => `${p}-guardduty-findings`,
  chatbotConfiguration: (p: string) => `${p}-alerts`,
  chatbotRole: (p: string) => `${p}-chatbot`,
  notifierFunction: (p: string) => `${p}-slack-notifier`,
  notifierFailureQueue: (p: string) => `${p}-slack-notifier-failures`,
  trail: (p: string) => `${p}-trail`,
  trailBucket: (p: string, accountId: string) => `${p}-cloudtrail-${accountId}`,
  trailRole: (p: string) => `${p}-cloudtrail-logs`,
  trailKeyAlias: (p: string) => `alias/${p}-cloudtrail`,
  trailLogGroup: (p: string) => `/${p}/cloudtrail`,
  logAlarm: (p: string, alarm: string) => `${p}-${alarm}`,
  configRule: (p: string, rule: string) => `${p}-${rule}`,
  configComplianceRule: (p: string) => `${p}-config-noncompliant`,
  /** AWS Config's console and CLI name the (single) recorder and delivery channel `default`: adopting one keeps its name. */
  configRecorder: () => "default",
  configBucket: (p: string, accountId: string) => `${p}-config-${accountId}`,
  configRole: (p: string) => `${p}-config`,
  configKeyAlias: (p: string) => `alias/${p}-config`,
  securityHubRule: (p: string) => `${p}-securityhub-findings`,
  guarddutyBucket: (p: string, accountId: string) => `${p}-guardduty-${accountId}`,
  guarddutyKeyAlias: (p: string) => `alias/${p}-guardduty-export`,
  /** GuardDuty filter names are 3-64 characters: checked per entry by the guardduty section. */
  suppressionFilter: (p: string, name: string) => `${p}-${name}`,
  trustedIpSet: (p: string) => `${p}-trusted-ips`,
  /** Where alarms about undelivered alerts go; a topic with its own key (constructs/health-topic.ts). */
  healthTopic: (p: string) => `${p}-alerts-health`,
  healthKeyAlias: (p: string) => `alias/${p}-alerts-health`,
  /** An EventBridge rule's dead-letter queue (rule names are at most 64 characters, so this fits 80). */
  ruleDeadLetterQueue: (ruleName: string) => `${ruleName}-dlq`,
  /** In every region with a topic the notifier subscribes to: SNS redrives there. */
  notifierDeadLetterQueue: (p: string) => `${p}-slack-notifier-dlq`,
  /** AWS Chatbot writes to this group in us-east-1 and would create it never-expiring. */
  chatbotLogGroup: (p: string): string => `/aws/chatbot/${names.chatbotConfiguration(p)}`,
} as const;

/** https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html (per-service quotas pages). */
export const NAME_RULES: readonly NameRule[] = [
  { what: "SNS topic name", maxLength: 256, make: names.topic },
  { what: "KMS alias", maxLength: 256, make: names.keyAlias },
  { what: "EventBridge rule name", maxLength: 64, make: names.findingsRule },
  { what: "Chatbot configuration name", maxLength: 128, make: names.chatbotConfiguration },
  { what: "IAM role name", maxLength: 64, make: names.chatbotRole },
  { what: "Lambda function name", maxLength: 64, make: names.notifierFunction },
  { what: "SQS queue name", maxLength: 80, make: names.notifierFailureQueue },
  { what: "SQS queue name", maxLength: 80, make: names.notifierDeadLetterQueue },
  { what: "SQS queue name", maxLength: 80, make: (p) => names.ruleDeadLetterQueue(names.findingsRule(p)) },
  { what: "SNS topic name", maxLength: 256, make: names.healthTopic },
  { what: "CloudTrail trail name", maxLength: 128, make: names.trail },
  { what: "S3 bucket name", maxLength: 63, make: (p) => names.trailBucket(p, "<account-id>") /* 12 characters, like an id */ },
  { what: "IAM role name", maxLength: 64, make: names.trailRole },
  { what: "KMS alias", maxLength: 256, make: names.trailKeyAlias },
  { what: "EventBridge rule name", maxLength: 64, make: names.configComplianceRule },
  { what: "EventBridge rule name", maxLength: 64, make: names.securityHubRule },
  { what: "S3 bucket name", maxLength: 63, make: (p) => names.guarddutyBucket(p, "<account-id>") },
  { what: "S3 bucket name", maxLength: 63, make: (p) => names.configBucket(p, "<account-id>") },
  { what: "IAM role name", maxLength: 64, make: names.configRole },
];

/** The longest `project` for which every derived name fits, and the rule that sets it. */
export function maxProjectLength(): { length: number; rule: NameRule } {
  return NAME_RULES.map((rule) => ({ length: rule.maxLength - rule.make("").length, rule })).reduce((best, r) =>
    r.length < best.length ? r : best,
  );
}
