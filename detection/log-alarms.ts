/**
 * The CloudTrail log-metric alarms as plain data: which filter pattern, metric and threshold each
 * alarm uses. Pure (no cdktf), so the patterns can be checked against real CloudTrail records in
 * tests; the metric-filter and alarm constructs are built from these specs.
 *
 * Sources (also in docs/cloudtrail-alarms.md):
 * - Security Hub CloudWatch.1-14: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html
 *   (patterns copied from the doc source at
 *   https://github.com/awsdocs/aws-security-hub-user-guide/blob/bda5bf7ddbdf498557b2ac6a538577528004e6d5/doc_source/cloudwatch-controls.md;
 *   CloudWatch.4 and CloudWatch.13 from the current page, which guards them with `$.eventSource`).
 *   "This control fails if the exact metric filters prescribed by CIS are not used. Additional
 *   fields or terms cannot be added to the metric filters." So `strict` keeps them byte for byte.
 * - CIS 4.15 (AWS Organizations changes), CIS AWS Foundations Benchmark audit text as quoted in
 *   https://github.com/mitre/aws-foundations-cis-baseline/blob/0f7fa40d41ab921df1a48b06ec1447fbae557e0f/controls/aws-foundations-cis-4.15.rb
 * - Filter pattern syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
import { consoleLoginAllowListPattern, MAX_FILTER_PATTERN_LENGTH } from "./console-allow-list";

/** One metric filter plus its alarm. */
export interface LogAlarmSpec {
  readonly name: LogAlarmName;
  /** "CloudWatch.1" ... "CloudWatch.14", "CIS 4.15"; undefined for the console allow-list alarm. */
  readonly control?: string;
  /** What the alarm means and what to do; shown in Slack and used as AlarmDescription. */
  readonly description: string;
  readonly filterPattern: string;
  readonly metricName: string;
  readonly namespace: string;
  readonly threshold: number;
  readonly periodSec: number;
  readonly evaluationPeriods: number;
}

/** What `logAlarmSpecs` returns: the alarms, and config warnings for the user. */
export interface LogAlarmSpecs {
  readonly specs: LogAlarmSpec[];
  readonly warnings: string[];
}

/**
 * Security Hub's remediation steps say "For Metric Namespace, enter LogMetrics" and explain it only
 * groups the metrics; the check itself looks at the pattern, the alarm and its SNS topic. We follow
 * the documented value so the metrics sit where the Security Hub docs tell people to look.
 */
export const LOG_METRICS_NAMESPACE = "LogMetrics";

/** CloudWatch PutMetricAlarm: AlarmDescription "Maximum length of 1024". */
export const MAX_ALARM_DESCRIPTION_LENGTH = 1024;

interface CisAlarm<Name extends string = string> {
  readonly name: Name;
  readonly control: string;
  /** What it means and what to do; the flavour note is appended. */
  readonly description: string;
  /** Byte for byte as the control documentation gives it. */
  readonly strict: string;
  /** Defaults to `strict` (nothing worth excluding). */
  readonly tuned?: string;
  /** Why the tuned pattern differs, shown in the description. */
  readonly tunedNote?: string;
  /** Tuned threshold (per 300 s, one period); defaults to 1. */
  readonly tunedThreshold?: number;
}

const or = (field: string, values: readonly string[]) => values.map((v) => `($.${field} = "${v}")`).join(" || ");

const IAM_POLICY_EVENTS = [
  "DeleteGroupPolicy",
  "DeleteRolePolicy",
  "DeleteUserPolicy",
  "PutGroupPolicy",
  "PutRolePolicy",
  "PutUserPolicy",
  "CreatePolicy",
  "DeletePolicy",
  "CreatePolicyVersion",
  "DeletePolicyVersion",
  "AttachRolePolicy",
  "DetachRolePolicy",
  "AttachUserPolicy",
  "DetachUserPolicy",
  "AttachGroupPolicy",
  "DetachGroupPolicy",
] as const;

const CATALOGUE = [
  {
    name: "RootAccountUsage",
    control: "CloudWatch.1",
    description:
      "The root user signed in or called an API (not an AWS service acting for it). Root has unrestricted access and should only be used for the few tasks that need it. Ask who used it and why; if nobody can say, treat the root credentials as compromised: reset the password, check the MFA device and root access keys, and review the CloudTrail events around this time.",
    strict: `{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}`,
  },
  {
    name: "UnauthorizedApiCalls",
    control: "CloudWatch.2",
    description:
      "API calls were denied (errorCode *UnauthorizedOperation or AccessDenied*). A burst can mean someone is probing with stolen credentials, or an application lost a permission. Look at userIdentity, sourceIPAddress and eventName of the denied calls in CloudTrail: unknown principal or address means investigate; a known workload means fix its policy.",
    strict: `{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}`,
    // CIS AWS Foundations Benchmark v1.5+/v3 4.1 adds `$.sourceIPAddress != "delivery.logs.amazonaws.com"`
    // and `$.eventName != "HeadBucket"` (its text as quoted in
    // https://github.com/mitre/aws-foundations-cis-baseline/blob/419a01c093641b378eeb4354164ce6f347999a50/controls/aws-foundations-cis-4.1.rb),
    // but without parentheses, so && binds first and the exclusions only guard the AccessDenied branch;
    // we group the two error codes. Calls an AWS service makes for you record the service's DNS name
    // as sourceIPAddress ("For services in AWS, only the DNS name is displayed",
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html),
    // so "*.amazonaws.com" (which covers delivery.logs.amazonaws.com) and "AWS Internal" drop denied
    // calls that no person made. HeadBucket is the console and SDKs probing for a bucket.
    tuned: `{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "*.amazonaws.com") && ($.sourceIPAddress != "AWS Internal") && ($.eventName != "HeadBucket") }`,
    tunedNote:
      "Tuned: ignores calls made by AWS services (sourceIPAddress *.amazonaws.com or AWS Internal) and HeadBucket probes; alarms at 5 denied calls in 5 minutes.",
    tunedThreshold: 5,
  },
  {
    name: "ConsoleSigninWithoutMfa",
    control: "CloudWatch.3",
    description:
      "An IAM user signed in to the console without MFA. Check that the user is expected to sign in and from that address (sourceIPAddress); then require MFA for the user (an IAM policy that denies actions without aws:MultiFactorAuthPresent) or remove the console password.",
    strict: `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`,
    // SAML-federated sign-ins carry additionalEventData.SamlProviderArn and MFAUsed "No": MFA happens at
    // the identity provider, so CloudTrail cannot see it (panther-analysis aws_console_login_without_mfa.py
    // skips them the same way: "If using AWS SSOv2 or other SAML provider return False"). IAM Identity
    // Center (SSO) sign-ins are userIdentity.type AssumedRole and are already outside `IAMUser`.
    // The docs' own root example writes MFAUsed as "YES"
    // (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html)
    // and filter patterns are case sensitive, so both spellings count as MFA used.
    tuned: `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.additionalEventData.MFAUsed != "YES") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") && ($.additionalEventData.SamlProviderArn NOT EXISTS) }`,
    tunedNote: "Tuned: ignores SAML-federated sign-ins (MFA is enforced by the identity provider, which CloudTrail cannot see).",
  },
  {
    name: "IamPolicyChanges",
    control: "CloudWatch.4",
    description:
      "An IAM policy was created, changed, attached or detached. Check that the change was planned (who made it, through which pipeline); an unexpected grant of permissions is a common step after credential theft.",
    // The current Security Hub page guards the CIS list with `$.eventSource=iam.amazonaws.com`, so
    // Auto Scaling's DeletePolicy no longer counts; strict is that pattern and tuned has nothing to add.
    strict: `{($.eventSource=iam.amazonaws.com) && ((${IAM_POLICY_EVENTS.map((e) => `$.eventName=${e}`).join(") || (")}))}`,
  },
  {
    name: "CloudTrailChanges",
    control: "CloudWatch.5",
    description:
      "A CloudTrail trail was created, updated or deleted, or logging was started or stopped. Stopping or changing the trail is how an intruder hides; check who did it and that the account trail is still logging (aws cloudtrail get-trail-status).",
    strict: `{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}`,
  },
  {
    name: "ConsoleAuthFailures",
    control: "CloudWatch.6",
    description:
      "Console sign-in attempts failed. A few are typos; many, or from unknown addresses, suggest password guessing. Look at userIdentity and sourceIPAddress of the failures; lock or reset affected users and make sure they have MFA.",
    strict: `{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}`,
    // The strict pattern misses failures for user names that do not exist (errorMessage "No username
    // found in supplied account", https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html),
    // which is what password spraying produces; every failed sign-in has responseElements.ConsoleLogin
    // "Failure" (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html).
    // A single typo is noise, so the tuned alarm waits for 3 in 5 minutes.
    tuned: `{ ($.eventName = "ConsoleLogin") && ($.responseElements.ConsoleLogin = "Failure") }`,
    tunedNote: "Tuned: counts every failed console sign-in, including unknown user names, and alarms at 3 failures in 5 minutes.",
    tunedThreshold: 3,
  },
  {
    name: "CmkDisableOrDeletion",
    control: "CloudWatch.7",
    description:
      "A customer managed KMS key was disabled or scheduled for deletion. Data encrypted under it becomes unreadable. If this was not planned, cancel the deletion (aws kms cancel-key-deletion) and re-enable the key, then find out who did it.",
    strict: `{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}`,
  },
  {
    name: "S3BucketPolicyChanges",
    control: "CloudWatch.8",
    description:
      "An S3 bucket policy, ACL, CORS, lifecycle or replication configuration changed. Check the bucket named in requestParameters: a new public grant or replication to an unknown account is how data leaks.",
    strict: `{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}`,
  },
  {
    name: "ConfigChanges",
    control: "CloudWatch.9",
    description:
      "The AWS Config recorder or delivery channel was changed or stopped. Without it, configuration history and Config rules go blind; check who did it and that the recorder is running (aws configservice describe-configuration-recorder-status).",
    strict: `{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}`,
  },
  {
    name: "SecurityGroupChanges",
    control: "CloudWatch.10",
    description:
      "A security group was created, deleted, or had rules added or removed. Check the group in requestParameters for rules open to 0.0.0.0/0 or ::/0 that nobody planned.",
    strict: `{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}`,
  },
  {
    name: "NaclChanges",
    control: "CloudWatch.11",
    description:
      "A network ACL or one of its entries was created, replaced or deleted. Check that the change was planned and does not open subnets to traffic they should not get.",
    strict: `{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}`,
  },
  {
    name: "NetworkGatewayChanges",
    control: "CloudWatch.12",
    description:
      "An internet or customer gateway was created, attached, detached or deleted. A new gateway is a new path in or out of a VPC; check that it was planned.",
    strict: `{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}`,
  },
  {
    name: "RouteTableChanges",
    control: "CloudWatch.13",
    description:
      "A route or route table was created, replaced, disassociated or deleted. Check that traffic still flows through the expected path (no new route to an unknown gateway or peer).",
    // Guarded by `$.eventSource=ec2.amazonaws.com` on the current Security Hub page (API Gateway v2
    // has CreateRoute and DeleteRoute too).
    strict: `{($.eventSource=ec2.amazonaws.com) && (($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable))}`,
  },
  {
    name: "VpcChanges",
    control: "CloudWatch.14",
    description:
      "A VPC was created, deleted or modified, or a VPC peering connection changed. Check that it was planned; a peering request accepted from an unknown account connects your network to theirs.",
    strict: `{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}`,
  },
  {
    name: "OrganizationsChanges",
    control: "CIS 4.15",
    description:
      "AWS Organizations changed: accounts created, invited, moved or removed, organizational units or policies (SCPs) changed. These changes affect every account in the organization; check who made it and that it was planned.",
    strict: `{ ($.eventSource = organizations.amazonaws.com) && (${or("eventName", [
      "AcceptHandshake",
      "AttachPolicy",
      "CreateAccount",
      "CreateOrganizationalUnit",
      "CreatePolicy",
      "DeclineHandshake",
      "DeleteOrganization",
      "DeleteOrganizationalUnit",
      "DeletePolicy",
      "DetachPolicy",
      "DisablePolicyType",
      "EnablePolicyType",
      "InviteAccountToOrganization",
      "LeaveOrganization",
      "MoveAccount",
      "RemoveAccountFromOrganization",
      "UpdatePolicy",
      "UpdateOrganizationalUnit",
    ])}) }`,
  },
] as const satisfies readonly CisAlarm[];

/** The CIS / Security Hub alarms' names, from the catalogue itself. */
export type CisAlarmName = (typeof CATALOGUE)[number]["name"];
const CIS_ALARMS: readonly CisAlarm<CisAlarmName>[] = CATALOGUE;

/** The console allow-list alarm (no control: our own). */
export const CONSOLE_LOGIN_ALARM = "ConsoleLoginOutsideAllowList";

/** Every CloudTrail metric-filter alarm's name: the catalogue's, then the allow-list alarm. */
export type LogAlarmName = CisAlarmName | typeof CONSOLE_LOGIN_ALARM;
export const LOG_ALARM_NAMES: readonly LogAlarmName[] = [...CIS_ALARMS.map((a) => a.name), CONSOLE_LOGIN_ALARM];

/** A per-alarm override from `cloudtrail.alarms`. */
export interface LogAlarmOverride {
  /** false removes the alarm. @default true */
  readonly enabled?: boolean;
  /** @default the alarm's own (1 for the CIS alarms; see the catalogue for tuned ones) */
  readonly threshold?: number;
  /** Whole minutes, in seconds. @default 300 */
  readonly periodSec?: number;
  /** @default 1 */
  readonly evaluationPeriods?: number;
}

/** What the alarm set is built from (the `cloudtrail` config section has this shape). */
export interface LogAlarmSettings {
  /** strict: the exact CIS patterns; tuned: with documented noise exclusions; off: none. */
  readonly cisAlarms: "strict" | "tuned" | "off";
  /** The console allow-list alarm. @default undefined: no allow-list alarm */
  readonly consoleLogin?: { readonly allowedIps: readonly string[] };
  /** Overrides by alarm name. */
  readonly alarms: Readonly<Partial<Record<LogAlarmName, LogAlarmOverride>>>;
}

/** Security Hub and CIS: threshold 1, period 300 s, 1 evaluation period. */
const CIS_ALARM_SHAPE = { threshold: 1, periodSec: 300, evaluationPeriods: 1 } as const;

/**
 * The CloudTrail log alarms for a config: the CIS alarms in the `cisAlarms` flavour, the console
 * allow-list alarm when `consoleLogin` is set, then `alarms` overrides (enabled: false removes one).
 * @throws AllowListError when an `allowedIps` entry can't be expressed as a filter pattern.
 */
export function logAlarmSpecs(ct: LogAlarmSettings): LogAlarmSpecs {
  const warnings: string[] = [];
  const specs: LogAlarmSpec[] = [];

  if (ct.cisAlarms !== "off") {
    const tuned = ct.cisAlarms === "tuned";
    for (const a of CIS_ALARMS) {
      const pattern = tuned && a.tuned !== undefined ? a.tuned : a.strict;
      specs.push({
        name: a.name,
        control: a.control,
        description: pattern !== a.strict && a.tunedNote ? `${a.description} ${a.tunedNote}` : a.description,
        filterPattern: pattern,
        metricName: a.name,
        namespace: LOG_METRICS_NAMESPACE,
        ...CIS_ALARM_SHAPE,
        threshold: tuned ? (a.tunedThreshold ?? 1) : CIS_ALARM_SHAPE.threshold,
      });
    }
    if (tuned) {
      const differing = CIS_ALARMS.filter(
        (a) => a.tuned !== undefined && a.control.startsWith("CloudWatch.") && ct.alarms[a.name]?.enabled !== false,
      );
      if (differing.length > 0)
        warnings.push(
          `cloudtrail.cisAlarms is tuned: the patterns of ${differing.map((a) => `${a.control} (${a.name})`).join(", ")} differ from the CIS ones, and Security Hub reports those controls FAILED because it accepts only the exact CIS patterns; use cisAlarms: strict if you need them to pass`,
        );
    }
  }

  if (ct.consoleLogin) {
    const { pattern, warnings: allowListWarnings } = consoleLoginAllowListPattern(ct.consoleLogin.allowedIps);
    warnings.push(...allowListWarnings);
    specs.push({
      name: CONSOLE_LOGIN_ALARM,
      description:
        ct.consoleLogin.allowedIps.length === 0
          ? "Someone signed in to the AWS console (cloudtrail.consoleLogin.allowedIps is empty, so every successful sign-in alarms). Check that the user and sourceIPAddress are expected; list your office or VPN addresses in allowedIps to alarm only on the others."
          : "Someone signed in to the AWS console from an address outside cloudtrail.consoleLogin.allowedIps. Check the user and sourceIPAddress: a known person travelling means add the address or use the VPN; otherwise treat the credentials as compromised (disable the user or revoke the role session) and review what the session did.",
      filterPattern: pattern,
      metricName: "ConsoleLoginOutsideAllowList",
      namespace: LOG_METRICS_NAMESPACE,
      ...CIS_ALARM_SHAPE,
    });
  }

  const present = new Set(specs.map((s) => s.name));
  for (const [name, override] of Object.entries(ct.alarms) as [LogAlarmName, LogAlarmOverride][]) {
    if (present.has(name) || override.enabled === false) continue;
    const why =
      name === "ConsoleLoginOutsideAllowList"
        ? "cloudtrail.consoleLogin is not set (add consoleLogin: { allowedIps: [...] } to create it)"
        : "cloudtrail.cisAlarms is off (set it to strict or tuned to create it)";
    warnings.push(`cloudtrail.alarms.${name} is ignored: there is no such alarm because ${why}`);
  }
  const result = specs
    .filter((s) => ct.alarms[s.name]?.enabled !== false)
    .map((s) => {
      const o = ct.alarms[s.name];
      if (!o) return s;
      return {
        ...s,
        threshold: o.threshold ?? s.threshold,
        periodSec: o.periodSec ?? s.periodSec,
        evaluationPeriods: o.evaluationPeriods ?? s.evaluationPeriods,
      };
    });

  for (const s of result) {
    // Our own patterns; a failure here is a bug, not a config error.
    if (s.filterPattern.length > MAX_FILTER_PATTERN_LENGTH)
      throw new Error(`${s.name}: filter pattern is ${s.filterPattern.length} characters (max ${MAX_FILTER_PATTERN_LENGTH})`);
    if (s.description.length > MAX_ALARM_DESCRIPTION_LENGTH)
      throw new Error(`${s.name}: description is ${s.description.length} characters (max ${MAX_ALARM_DESCRIPTION_LENGTH})`);
  }
  return { specs: result, warnings };
}
