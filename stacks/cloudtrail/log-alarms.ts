/**
 * The CloudTrail log-metric alarms as plain data: which filter pattern, metric and threshold each
 * alarm uses. Pure (no cdktf), so the patterns can be checked against real CloudTrail records in
 * tests; the metric-filter and alarm constructs are built from these specs.
 *
 * Sources (also in docs/cloudtrail-alarms.md):
 * - Security Hub CloudWatch.1-14: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html
 *   (patterns copied from the doc source at
 *   https://github.com/awsdocs/aws-security-hub-user-guide/blob/bda5bf7ddbdf498557b2ac6a538577528004e6d5/doc_source/cloudwatch-controls.md).
 *   "This control fails if the exact metric filters prescribed by CIS are not used. Additional
 *   fields or terms cannot be added to the metric filters." So `strict` keeps them byte for byte.
 * - CIS 4.15 (AWS Organizations changes), CIS AWS Foundations Benchmark audit text as quoted in
 *   https://github.com/mitre/aws-foundations-cis-baseline/blob/0f7fa40d41ab921df1a48b06ec1447fbae557e0f/controls/aws-foundations-cis-4.15.rb
 * - Filter pattern syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
import type { CloudTrailConfig, LogAlarmName } from "../../config/schema";

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

/** CloudWatch Logs PutMetricFilter: filterPattern "Maximum length of 1024". AlarmDescription: 1024. */
export const MAX_FILTER_PATTERN_LENGTH = 1024;
export const MAX_ALARM_DESCRIPTION_LENGTH = 1024;

const ALLOWED_IPS_PATH = "cloudtrail.consoleLogin.allowedIps";

/** A refused `consoleLogin.allowedIps` entry, meant to be shown as a config error (no stack trace). */
export class AllowListError extends Error {
  /** Every problem found, each with the config path it is about. */
  readonly issues: readonly { readonly path: string; readonly message: string }[];

  constructor(issues: readonly { readonly path: string; readonly message: string }[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
    this.name = "AllowListError";
    this.issues = issues;
  }
}

interface CisAlarm {
  readonly name: Exclude<LogAlarmName, "ConsoleLoginOutsideAllowList">;
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

const CIS_ALARMS: readonly CisAlarm[] = [
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
    strict: `{(${IAM_POLICY_EVENTS.map((e) => `$.eventName=${e}`).join(") || (")})}`,
    // Security Hub's own remediation note: "The alarm does not check that the call was issued from IAM.
    // Because of this, the alarm also is triggered when Auto Scaling calls DeletePolicy."
    tuned: `{ ($.eventSource = "iam.amazonaws.com") && (${or("eventName", IAM_POLICY_EVENTS)}) }`,
    tunedNote: "Tuned: only IAM's own API calls (Auto Scaling's DeletePolicy no longer counts).",
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
    strict: `{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}`,
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
];

/** Security Hub and CIS: threshold 1, period 300 s, 1 evaluation period. */
const CIS_ALARM_SHAPE = { threshold: 1, periodSec: 300, evaluationPeriods: 1 } as const;

const CONSOLE_LOGIN_SUCCESS = `($.eventName = "ConsoleLogin") && ($.responseElements.ConsoleLogin = "Success")`;

/**
 * The CloudTrail log alarms for a config: the CIS alarms in the `cisAlarms` flavour, the console
 * allow-list alarm when `consoleLogin` is set, then `alarms` overrides (enabled: false removes one).
 * @throws AllowListError when an `allowedIps` entry can't be expressed as a filter pattern.
 */
export function logAlarmSpecs(ct: CloudTrailConfig): LogAlarmSpecs {
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
      name: "ConsoleLoginOutsideAllowList",
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
  for (const [name, override] of Object.entries(ct.alarms) as [LogAlarmName, { enabled?: boolean }][]) {
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

/**
 * The filter pattern for a successful console sign-in from none of `allowedIps`.
 *
 * Each entry becomes `($.sourceIPAddress != "<value>")`. The CloudWatch Logs docs use exactly this
 * form to find "the IP address being outside the subnet 123.123 prefix": `{ $.sourceIPAddress != 123.123.* }`
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html;
 * archived: https://github.com/awsdocs/amazon-cloudwatch-logs-user-guide/blob/1487b9496d8366bf7039a1efbeeb3a0702b42c50/doc_source/FilterAndPatternSyntax.md),
 * so `*` works inside `!=`. The same page says `*` matches text "at, before, or after a search term"
 * and "Ev*ent will only match the actual string Ev*ent", which is why wildcards may only replace
 * whole trailing octets here.
 * @throws AllowListError listing every refused entry.
 */
export function consoleLoginAllowListPattern(allowedIps: readonly string[]): { pattern: string; warnings: string[] } {
  const issues: { path: string; message: string }[] = [];
  const values: string[] = [];
  const seen = new Map<string, number>();
  allowedIps.forEach((raw, i) => {
    const path = `${ALLOWED_IPS_PATH}[${i}]`;
    const r = allowListValue(raw);
    if ("error" in r) {
      issues.push({ path, message: r.error });
      return;
    }
    const earlier = seen.get(r.value);
    if (earlier !== undefined) {
      issues.push({ path, message: `"${raw}" matches the same addresses as ${ALLOWED_IPS_PATH}[${earlier}]; remove one` });
      return;
    }
    seen.set(r.value, i);
    values.push(r.value);
  });
  if (issues.length > 0) throw new AllowListError(issues);

  if (values.length === 0) {
    return {
      pattern: `{ ${CONSOLE_LOGIN_SUCCESS} }`,
      warnings: [
        `${ALLOWED_IPS_PATH} is empty, so every successful console sign-in alarms (ConsoleLoginOutsideAllowList); list your office or VPN addresses to alarm only on the others`,
      ],
    };
  }
  const build = (vs: readonly string[]) => `{ ${CONSOLE_LOGIN_SUCCESS}${vs.map((v) => ` && ($.sourceIPAddress != "${v}")`).join("")} }`;
  const pattern = build(values);
  if (pattern.length > MAX_FILTER_PATTERN_LENGTH) {
    let fit = 0;
    while (fit < values.length && build(values.slice(0, fit + 1)).length <= MAX_FILTER_PATTERN_LENGTH) fit++;
    throw new AllowListError([
      {
        path: ALLOWED_IPS_PATH,
        message: `the ${values.length} entries make a ${pattern.length}-character filter pattern, but CloudWatch Logs allows at most ${MAX_FILTER_PATTERN_LENGTH}; only the first ${fit} entries fit. Merge neighbouring addresses into wider ranges (for example several x.y.z.0/24 into x.y.0.0/16) or sign in through a VPN with fewer egress addresses`,
      },
    ]);
  }
  return { pattern, warnings: [] };
}

const OCTET = /^(0|[1-9]\d{0,2})$/;
const isOctet = (s: string) => OCTET.test(s) && Number(s) <= 255;

/** The `sourceIPAddress` value for one entry, or why it is refused. */
function allowListValue(raw: string): { value: string } | { error: string } {
  const s = raw.trim();
  if (s === "")
    return {
      error: `the entry is empty; write an IPv4 address like 198.51.100.7, a wildcard like 198.51.100.*, or a CIDR like 198.51.100.0/24`,
    };
  if (s === "*" || s === "0.0.0.0/0" || s === "::/0") {
    return {
      error: `"${raw}" allows every address, so the alarm could never fire; to turn it off remove cloudtrail.consoleLogin, or set cloudtrail.alarms.ConsoleLoginOutsideAllowList.enabled: false`,
    };
  }
  if (s.includes(":")) return ipv6Value(raw, s);

  const cidr = /^([^/]+)\/(\d{1,2})$/.exec(s);
  if (cidr) return ipv4CidrValue(raw, cidr[1]!, Number(cidr[2]));
  if (s.includes("/")) return { error: `"${raw}" is not a CIDR; write it like 198.51.100.0/24 (prefix length 8, 16, 24 or 32)` };

  const parts = s.split(".");
  if (parts.length === 4 && parts.every(isOctet)) return { value: s };
  if (parts.length >= 2 && parts.length <= 4 && parts[parts.length - 1] === "*" && parts.slice(0, -1).every(isOctet)) return { value: s };
  if (s.includes("*")) {
    return {
      error: `"${raw}" is not a supported wildcard: "*" may only replace whole octets at the end, like 198.51.100.* or 10.*, because CloudWatch Logs treats a "*" elsewhere as a literal character (and 198.51.100.1* would also match 198.51.100.100-199)`,
    };
  }
  if (parts.length === 4 && parts.every((p) => /^\d+$/.test(p))) {
    const bad = parts.find((p) => !isOctet(p))!;
    return {
      error: `"${raw}" is not an IPv4 address: "${bad}" ${Number(bad) > 255 ? "is above 255" : "has a leading zero (CloudTrail writes 10.0.0.1, never 10.000.000.001)"}`,
    };
  }
  return {
    error: `"${raw}" is not an IP address; write an IPv4 address like 198.51.100.7, a wildcard like 198.51.100.*, a CIDR like 198.51.100.0/24, or an IPv6 address like 2001:db8::1`,
  };
}

function ipv4CidrValue(raw: string, address: string, prefix: number): { value: string } | { error: string } {
  const parts = address.split(".");
  if (parts.length !== 4 || !parts.every(isOctet))
    return { error: `"${raw}" is not a CIDR: "${address}" is not an IPv4 address; write it like 198.51.100.0/24` };
  if (prefix > 32) return { error: `"${raw}" has prefix length ${prefix}; an IPv4 prefix is 0 to 32` };
  const n = parts.reduce((acc, p) => acc * 256 + Number(p), 0);
  const size = 2 ** (32 - prefix);
  const network = n - (n % size);
  const dotted = (v: number) => [24, 16, 8, 0].map((shift) => Math.floor(v / 2 ** shift) % 256).join(".");
  if (network !== n) return { error: `"${raw}" has host bits set after the /${prefix}; did you mean ${dotted(network)}/${prefix}?` };
  if (prefix % 8 === 0) {
    if (prefix === 32) return { value: address };
    return { value: `${parts.slice(0, prefix / 8).join(".")}.*` };
  }
  // Filter patterns only have string prefixes, so a range must end on an octet boundary.
  const narrower = Math.ceil(prefix / 8) * 8;
  const wider = Math.floor(prefix / 8) * 8;
  const count = 2 ** (narrower - prefix);
  const step = 2 ** (32 - narrower);
  const first = `${dotted(network)}/${narrower}`;
  const last = `${dotted(network + (count - 1) * step)}/${narrower}`;
  const widen = wider === 0 ? "" : ` or widen it to ${dotted(network - (network % 2 ** (32 - wider)))}/${wider}`;
  return {
    error: `"${raw}": a /${prefix} can't be written as a filter pattern, which only matches whole octets (/8, /16, /24, /32). Split ${address}/${prefix} into ${count} /${narrower}s (${first} ... ${last})${widen}`,
  };
}

/**
 * IPv6: exact addresses only, written in the RFC 5952 form (lower case, longest zero run as "::").
 * A prefix wildcard is refused because the text of an address depends on "::" compression, so
 * "2001:db8:0:*" would not match 2001:db8::1 although it is inside 2001:db8::/48.
 */
function ipv6Value(raw: string, s: string): { value: string } | { error: string } {
  if (s.includes("*") || s.includes("/")) {
    return {
      error: `"${raw}": IPv6 ranges and wildcards aren't supported, because "::" compression changes the text of addresses inside a prefix and filter patterns compare text; list exact IPv6 addresses like 2001:db8::1`,
    };
  }
  const groups = parseIpv6(s);
  if (!groups) return { error: `"${raw}" is not an IPv6 address; write it like 2001:db8::1` };
  return { value: formatIpv6(groups) };
}

function parseIpv6(s: string): number[] | undefined {
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const parse = (h: string) => (h === "" ? [] : h.split(":"));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const all = [...head, ...tail];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  if (halves.length === 1 && all.length !== 8) return undefined;
  if (halves.length === 2 && all.length > 7) return undefined;
  const zeros = new Array<number>(8 - all.length).fill(0);
  return [...head.map((g) => parseInt(g, 16)), ...(halves.length === 2 ? zeros : []), ...tail.map((g) => parseInt(g, 16))];
}

/** RFC 5952 section 4: lower case, no leading zeros, the longest run (2+) of zero groups as "::". */
function formatIpv6(groups: number[]): string {
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { start: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.len < 2) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.len).join(":")}`;
}
