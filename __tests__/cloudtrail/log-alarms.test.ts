import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CloudTrailConfig } from "../../config/schema";
import { configSchema } from "../../config/schema";
import { AllowListError, consoleLoginAllowListPattern, MAX_FILTER_PATTERN_LENGTH } from "../../detection/console-allow-list";
import { LOG_METRICS_NAMESPACE, logAlarmSpecs, type LogAlarmName, type LogAlarmSpec } from "../../detection/log-alarms";
import { matchesFilterPattern, parseFilterPattern } from "../helpers/logs-filter";

/** The cloudtrail section as the config loader produces it (defaults applied by the real schema). */
function cloudtrail(section: Record<string, unknown>): CloudTrailConfig {
  const parsed = configSchema.parse({
    project: "acme",
    homeRegion: "us-east-1",
    regions: ["us-east-1"],
    notifications: { emails: ["security@example.com"] },
    cloudtrail: { createTrail: true, ...section },
  });
  return parsed.cloudtrail!;
}

const byName = (specs: readonly LogAlarmSpec[]) => new Map(specs.map((s) => [s.name, s]));

// Copied by hand from the Security Hub control documentation ("Copy the following pattern and then
// paste it into the Filter Pattern field"), doc source at
// https://github.com/awsdocs/aws-security-hub-user-guide/blob/bda5bf7ddbdf498557b2ac6a538577528004e6d5/doc_source/cloudwatch-controls.md
// CloudWatch.4 and CloudWatch.13 from the current page ("Security Hub CSPM controls for Amazon
// CloudWatch"), which guards them with $.eventSource; the other twelve are unchanged there.
// Each URL is the control's section of the published page.
const HUB = "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html";
const SECURITY_HUB_PATTERNS: readonly [LogAlarmName, string, string, string][] = [
  [
    "RootAccountUsage",
    "CloudWatch.1",
    `${HUB}#cloudwatch-1`,
    `{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}`,
  ],
  [
    "UnauthorizedApiCalls",
    "CloudWatch.2",
    `${HUB}#cloudwatch-2`,
    `{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}`,
  ],
  [
    "ConsoleSigninWithoutMfa",
    "CloudWatch.3",
    `${HUB}#cloudwatch-3`,
    `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`,
  ],
  [
    "IamPolicyChanges",
    "CloudWatch.4",
    `${HUB}#cloudwatch-4`,
    `{($.eventSource=iam.amazonaws.com) && (($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy))}`,
  ],
  [
    "CloudTrailChanges",
    "CloudWatch.5",
    `${HUB}#cloudwatch-5`,
    `{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}`,
  ],
  [
    "ConsoleAuthFailures",
    "CloudWatch.6",
    `${HUB}#cloudwatch-6`,
    `{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}`,
  ],
  [
    "CmkDisableOrDeletion",
    "CloudWatch.7",
    `${HUB}#cloudwatch-7`,
    `{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}`,
  ],
  [
    "S3BucketPolicyChanges",
    "CloudWatch.8",
    `${HUB}#cloudwatch-8`,
    `{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}`,
  ],
  [
    "ConfigChanges",
    "CloudWatch.9",
    `${HUB}#cloudwatch-9`,
    `{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}`,
  ],
  [
    "SecurityGroupChanges",
    "CloudWatch.10",
    `${HUB}#cloudwatch-10`,
    `{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}`,
  ],
  [
    "NaclChanges",
    "CloudWatch.11",
    `${HUB}#cloudwatch-11`,
    `{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}`,
  ],
  [
    "NetworkGatewayChanges",
    "CloudWatch.12",
    `${HUB}#cloudwatch-12`,
    `{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}`,
  ],
  [
    "RouteTableChanges",
    "CloudWatch.13",
    `${HUB}#cloudwatch-13`,
    `{($.eventSource=ec2.amazonaws.com) && (($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable))}`,
  ],
  [
    "VpcChanges",
    "CloudWatch.14",
    `${HUB}#cloudwatch-14`,
    `{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}`,
  ],
];

// CIS AWS Foundations Benchmark 4.15 audit step 3, as quoted (with \" escapes) in
// https://github.com/mitre/aws-foundations-cis-baseline/blob/0f7fa40d41ab921df1a48b06ec1447fbae557e0f/controls/aws-foundations-cis-4.15.rb
const CIS_4_15 = `{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }`;

/** CloudTrail records from the fixtures (the log-file `Records` wrapper and the EventBridge envelope removed). */
const FIXTURES = join(__dirname, "..", "fixtures", "events", "cloudtrail");
function record(file: string): Record<string, unknown> {
  const json = JSON.parse(readFileSync(join(FIXTURES, `${file}.json`), "utf8"));
  if (Array.isArray(json.Records)) return json.Records[0];
  if (json.detail && json["detail-type"] === "AWS API Call via CloudTrail") return json.detail;
  return json;
}
const IAM_USER_NO_MFA = record("record_consolelogin_iam-user_success_no-mfa_aws-docs");
const IAM_USER_MFA = record("record_consolelogin_iam-user_success_with-mfa_aws-docs");
const IAM_USER_FAILURE = record("record_consolelogin_iam-user_failure_aws-docs");
const UNKNOWN_USER_FAILURE = record("record_consolelogin_failure_unknown-username-hidden_aws-docs");
const ROOT_NO_MFA = record("record_consolelogin_root_success_no-mfa_aws-docs");
const ROOT_MFA = record("record_consolelogin_root_success_with-mfa_aws-docs");
const ROOT_FAILURE = record("record_consolelogin_root_failure_aws-docs");
const ROOT_ENABLE_MFA = record("record_enablemfadevice_root_aws-docs");
const ROOT_PASSWORD = record("record_passwordupdated_root_aws-docs");
const SAML = record("record_consolelogin_saml-federated_panther");
const SSO = record("record_consolelogin_sso-assumed-role_no-mfa_panther");
const CHECK_MFA = record("record_checkmfa_iam-user_single-mfa-type_aws-docs");
const IDENTITY_CENTER_AUTH = record("record_userauthentication_identity-center-signin_rust-runtime");
const GUARDDUTY_API_CALL = record("eb_aws-api-call-via-cloudtrail_guardduty-createsamplefindings_sumologic");

// Records derived from a fixture by changing the named fields, for alarms no fixture triggers.
const derived = (base: Record<string, unknown>, changes: Record<string, unknown>) => ({ ...structuredClone(base), ...changes });
const DENIED_BY_USER = derived(ROOT_ENABLE_MFA, {
  userIdentity: { type: "IAMUser", userName: "anaya", accountId: "111122223333" },
  eventName: "ListUsers",
  errorCode: "AccessDenied",
});
const DENIED_FOR_SERVICE = derived(DENIED_BY_USER, { sourceIPAddress: "cloudformation.amazonaws.com" });
const DENIED_HEAD_BUCKET = derived(DENIED_BY_USER, { eventSource: "s3.amazonaws.com", eventName: "HeadBucket" });
const EC2_UNAUTHORIZED = derived(DENIED_BY_USER, {
  eventSource: "ec2.amazonaws.com",
  eventName: "RunInstances",
  errorCode: "Client.UnauthorizedOperation",
});
const IAM_PUT_ROLE_POLICY = derived(DENIED_BY_USER, { eventSource: "iam.amazonaws.com", eventName: "PutRolePolicy", errorCode: undefined });
const EC2_CREATE_ROUTE = derived(DENIED_BY_USER, { eventSource: "ec2.amazonaws.com", eventName: "CreateRoute", errorCode: undefined });
// API Gateway v2 has a CreateRoute of its own: the reason CloudWatch.13 is guarded by eventSource.
const APIGW_CREATE_ROUTE = derived(DENIED_BY_USER, {
  eventSource: "apigateway.amazonaws.com",
  eventName: "CreateRoute",
  errorCode: undefined,
});
const AUTOSCALING_DELETE_POLICY = derived(DENIED_BY_USER, {
  eventSource: "autoscaling.amazonaws.com",
  eventName: "DeletePolicy",
  errorCode: undefined,
});
const ORG_CREATE_ACCOUNT = derived(DENIED_BY_USER, {
  eventSource: "organizations.amazonaws.com",
  eventName: "CreateAccount",
  errorCode: undefined,
});
const STOP_LOGGING = derived(DENIED_BY_USER, { eventSource: "cloudtrail.amazonaws.com", eventName: "StopLogging", errorCode: undefined });

const ALL_RECORDS = {
  IAM_USER_NO_MFA,
  IAM_USER_MFA,
  IAM_USER_FAILURE,
  UNKNOWN_USER_FAILURE,
  ROOT_NO_MFA,
  ROOT_MFA,
  ROOT_FAILURE,
  ROOT_ENABLE_MFA,
  ROOT_PASSWORD,
  SAML,
  SSO,
  CHECK_MFA,
  IDENTITY_CENTER_AUTH,
  GUARDDUTY_API_CALL,
  DENIED_BY_USER,
  DENIED_FOR_SERVICE,
  DENIED_HEAD_BUCKET,
  EC2_UNAUTHORIZED,
  IAM_PUT_ROLE_POLICY,
  AUTOSCALING_DELETE_POLICY,
  EC2_CREATE_ROUTE,
  APIGW_CREATE_ROUTE,
  ORG_CREATE_ACCOUNT,
  STOP_LOGGING,
} as const;
type RecordName = keyof typeof ALL_RECORDS;

/** Which alarms each record triggers, as a sorted list of names. */
function triggered(specs: readonly LogAlarmSpec[], rec: object): string[] {
  return specs
    .filter((s) => matchesFilterPattern(s.filterPattern, rec))
    .map((s) => s.name)
    .sort();
}

describe("the fixture records", () => {
  it("are the CloudTrail records the tests assume (checked fields)", () => {
    expect(readdirSync(FIXTURES).length).toBeGreaterThanOrEqual(15);
    expect(IAM_USER_NO_MFA).toMatchObject({
      eventName: "ConsoleLogin",
      sourceIPAddress: "192.0.2.0",
      userIdentity: { type: "IAMUser" },
      additionalEventData: { MFAUsed: "No" },
      responseElements: { ConsoleLogin: "Success" },
    });
    expect(UNKNOWN_USER_FAILURE).toMatchObject({
      errorMessage: "No username found in supplied account",
      responseElements: { ConsoleLogin: "Failure" },
    });
    expect(ROOT_MFA).toMatchObject({ userIdentity: { type: "Root" }, additionalEventData: { MFAUsed: "YES" } });
    expect(SAML).toMatchObject({
      userIdentity: { type: "IAMUser" },
      additionalEventData: { MFAUsed: "No", SamlProviderArn: expect.any(String) },
    });
    expect(SSO).toMatchObject({
      sourceIPAddress: "1.2.3.4",
      userIdentity: { type: "AssumedRole" },
      additionalEventData: { MFAUsed: "No" },
    });
    expect(GUARDDUTY_API_CALL).toMatchObject({ eventName: "CreateSampleFindings" });
  });
});

describe("strict CIS alarms (cisAlarms: strict, the default)", () => {
  let specs: LogAlarmSpec[];
  let warnings: string[];
  beforeAll(() => ({ specs, warnings } = logAlarmSpecs(cloudtrail({}))));

  it("emits the 14 Security Hub patterns byte for byte, with their control ids", () => {
    const got = byName(specs);
    for (const [name, control, , pattern] of SECURITY_HUB_PATTERNS) {
      expect({ name, control: got.get(name)?.control, pattern: got.get(name)?.filterPattern }).toEqual({ name, control, pattern });
    }
  });

  it("emits CIS 4.15 (Organizations changes) exactly as the benchmark's audit step gives it", () => {
    expect(byName(specs).get("OrganizationsChanges")).toMatchObject({ control: "CIS 4.15", filterPattern: CIS_4_15 });
  });

  it("uses threshold 1 over one 300-second period in the LogMetrics namespace, metric named after the alarm", () => {
    expect(specs).toHaveLength(15);
    for (const s of specs) {
      expect(s).toMatchObject({ threshold: 1, periodSec: 300, evaluationPeriods: 1, namespace: LOG_METRICS_NAMESPACE, metricName: s.name });
    }
    expect(LOG_METRICS_NAMESPACE).toBe("LogMetrics");
  });

  it("warns about nothing and has no allow-list alarm without consoleLogin", () => {
    expect(warnings).toEqual([]);
    expect(specs.map((s) => s.name)).not.toContain("ConsoleLoginOutsideAllowList");
  });

  it.each<[RecordName, string[]]>([
    ["IAM_USER_NO_MFA", ["ConsoleSigninWithoutMfa"]],
    ["IAM_USER_MFA", []],
    ["IAM_USER_FAILURE", ["ConsoleAuthFailures"]],
    // "No username found in supplied account" is not "Failed authentication": the CIS pattern misses it.
    ["UNKNOWN_USER_FAILURE", []],
    // CloudWatch.3 only covers IAMUser; root sign-ins are CloudWatch.1's, successful or not.
    ["ROOT_NO_MFA", ["RootAccountUsage"]],
    ["ROOT_MFA", ["RootAccountUsage"]],
    ["ROOT_FAILURE", ["ConsoleAuthFailures", "RootAccountUsage"]],
    ["ROOT_ENABLE_MFA", ["RootAccountUsage"]],
    ["ROOT_PASSWORD", ["RootAccountUsage"]],
    // Panther's SAML test record is an IAMUser with MFAUsed No, so the CIS pattern alarms on it.
    ["SAML", ["ConsoleSigninWithoutMfa"]],
    ["SSO", []],
    ["CHECK_MFA", []],
    ["IDENTITY_CENTER_AUTH", []],
    ["GUARDDUTY_API_CALL", []],
    ["DENIED_BY_USER", ["UnauthorizedApiCalls"]],
    ["DENIED_FOR_SERVICE", ["UnauthorizedApiCalls"]],
    ["DENIED_HEAD_BUCKET", ["UnauthorizedApiCalls"]],
    ["EC2_UNAUTHORIZED", ["UnauthorizedApiCalls"]],
    ["IAM_PUT_ROLE_POLICY", ["IamPolicyChanges"]],
    // The current CloudWatch.4 pattern is guarded by eventSource: Auto Scaling's DeletePolicy is not IAM's.
    ["AUTOSCALING_DELETE_POLICY", []],
    ["EC2_CREATE_ROUTE", ["RouteTableChanges"]],
    ["APIGW_CREATE_ROUTE", []],
    ["ORG_CREATE_ACCOUNT", ["OrganizationsChanges"]],
    ["STOP_LOGGING", ["CloudTrailChanges"]],
  ])("%s triggers %j", (name, expected) => {
    expect(triggered(specs, ALL_RECORDS[name])).toEqual(expected);
  });
});

describe("tuned CIS alarms", () => {
  let specs: LogAlarmSpec[];
  let warnings: string[];
  beforeAll(() => ({ specs, warnings } = logAlarmSpecs(cloudtrail({ cisAlarms: "tuned" }))));

  it.each<[RecordName, string[]]>([
    ["IAM_USER_NO_MFA", ["ConsoleSigninWithoutMfa"]],
    ["IAM_USER_MFA", []],
    ["IAM_USER_FAILURE", ["ConsoleAuthFailures"]],
    ["UNKNOWN_USER_FAILURE", ["ConsoleAuthFailures"]],
    ["ROOT_NO_MFA", ["RootAccountUsage"]],
    ["ROOT_MFA", ["RootAccountUsage"]],
    ["ROOT_FAILURE", ["ConsoleAuthFailures", "RootAccountUsage"]],
    ["ROOT_ENABLE_MFA", ["RootAccountUsage"]],
    ["ROOT_PASSWORD", ["RootAccountUsage"]],
    ["SAML", []],
    ["SSO", []],
    ["CHECK_MFA", []],
    ["IDENTITY_CENTER_AUTH", []],
    ["GUARDDUTY_API_CALL", []],
    ["DENIED_BY_USER", ["UnauthorizedApiCalls"]],
    ["DENIED_FOR_SERVICE", []],
    ["DENIED_HEAD_BUCKET", []],
    ["EC2_UNAUTHORIZED", ["UnauthorizedApiCalls"]],
    ["IAM_PUT_ROLE_POLICY", ["IamPolicyChanges"]],
    ["AUTOSCALING_DELETE_POLICY", []],
    ["EC2_CREATE_ROUTE", ["RouteTableChanges"]],
    ["APIGW_CREATE_ROUTE", []],
    ["ORG_CREATE_ACCOUNT", ["OrganizationsChanges"]],
    ["STOP_LOGGING", ["CloudTrailChanges"]],
  ])("%s triggers %j", (name, expected) => {
    expect(triggered(specs, ALL_RECORDS[name])).toEqual(expected);
  });

  it("counts an IAM user's no-MFA sign-in whichever case MFAUsed has, and never one with MFA", () => {
    const mfa = byName(specs).get("ConsoleSigninWithoutMfa")!.filterPattern;
    const withUpperYes = derived(IAM_USER_MFA, { additionalEventData: { MFAUsed: "YES" } });
    expect(matchesFilterPattern(mfa, withUpperYes)).toBe(false);
    // The strict CIS pattern is case sensitive and alarms on the same record.
    expect(matchesFilterPattern(SECURITY_HUB_PATTERNS[2]![3], withUpperYes)).toBe(true);
  });

  it("keeps the alarm set and the control ids of strict", () => {
    const strict = logAlarmSpecs(cloudtrail({})).specs;
    expect(specs.map((s) => [s.name, s.control])).toEqual(strict.map((s) => [s.name, s.control]));
  });

  it("raises thresholds only where single events are noise: 5 denied calls, 3 failed sign-ins", () => {
    const t = Object.fromEntries(specs.map((s) => [s.name, s.threshold]));
    expect(t).toMatchObject({
      UnauthorizedApiCalls: 5,
      ConsoleAuthFailures: 3,
      RootAccountUsage: 1,
      ConsoleSigninWithoutMfa: 1,
      IamPolicyChanges: 1,
    });
    expect(specs.every((s) => s.periodSec === 300 && s.evaluationPeriods === 1)).toBe(true);
  });

  it("changes exactly the three patterns it documents and warns that Security Hub fails those controls", () => {
    const strict = byName(logAlarmSpecs(cloudtrail({})).specs);
    const changed = specs.filter((s) => s.filterPattern !== strict.get(s.name)!.filterPattern).map((s) => s.control);
    // CloudWatch.4's strict pattern is now guarded by eventSource itself: tuned keeps it, so it passes.
    expect(changed).toEqual(["CloudWatch.2", "CloudWatch.3", "CloudWatch.6"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/CloudWatch\.2 \(UnauthorizedApiCalls\), CloudWatch\.3 .*CloudWatch\.6 .*FAILED.*cisAlarms: strict/);
    expect(warnings[0]).not.toMatch(/CloudWatch\.4/);
    for (const s of specs.filter((x) => changed.includes(x.control))) expect(s.description).toMatch(/Tuned:/);
  });
});

describe("the tuned warning", () => {
  it("names only the changed controls that are still enabled, and is gone when none are", () => {
    const some = logAlarmSpecs(cloudtrail({ cisAlarms: "tuned", alarms: { UnauthorizedApiCalls: { enabled: false } } }));
    expect(some.warnings).toHaveLength(1);
    expect(some.warnings[0]).not.toMatch(/CloudWatch\.2/);
    expect(some.warnings[0]).toMatch(/CloudWatch\.3/);
    const off = { enabled: false };
    const none = logAlarmSpecs(
      cloudtrail({
        cisAlarms: "tuned",
        alarms: { UnauthorizedApiCalls: off, ConsoleSigninWithoutMfa: off, IamPolicyChanges: off, ConsoleAuthFailures: off },
      }),
    );
    expect(none.warnings).toEqual([]);
  });
});

describe("cisAlarms: off", () => {
  it("emits no CIS alarm, only the allow-list alarm when consoleLogin is set", () => {
    expect(logAlarmSpecs(cloudtrail({ cisAlarms: "off" })).specs).toEqual([]);
    const { specs } = logAlarmSpecs(cloudtrail({ cisAlarms: "off", consoleLogin: { allowedIps: ["192.0.2.*"] } }));
    expect(specs.map((s) => s.name)).toEqual(["ConsoleLoginOutsideAllowList"]);
    expect(specs[0]!.control).toBeUndefined();
  });
});

describe("ConsoleLoginOutsideAllowList", () => {
  const allowList = (allowedIps: string[]) => {
    const { specs, warnings } = logAlarmSpecs(cloudtrail({ cisAlarms: "off", consoleLogin: { allowedIps } }));
    return { spec: specs[0]!, warnings };
  };
  const alarms = (allowedIps: string[], rec: object) => matchesFilterPattern(allowList(allowedIps).spec.filterPattern, rec);

  it("does not alarm on a successful sign-in from an allowed address or range", () => {
    expect(alarms(["192.0.2.0"], IAM_USER_NO_MFA)).toBe(false);
    expect(alarms(["192.0.2.*"], IAM_USER_NO_MFA)).toBe(false);
    expect(alarms(["192.0.2.0/24"], IAM_USER_MFA)).toBe(false);
    expect(alarms(["198.51.100.7", "192.0.0.0/16"], ROOT_MFA)).toBe(false);
    expect(alarms(["1.0.0.0/8"], SSO)).toBe(false);
    expect(alarms(["111.111.111.111/32"], SAML)).toBe(false);
  });

  it("alarms on a successful sign-in from outside every entry, whoever signs in", () => {
    for (const rec of [IAM_USER_NO_MFA, IAM_USER_MFA, ROOT_MFA, SSO, SAML]) {
      expect(alarms(["198.51.100.0/24", "203.0.113.7"], rec)).toBe(true);
    }
    // 192.0.2.0 shares the text prefix "192.0.2" with 192.0.2.* only on whole octets.
    expect(alarms(["192.0.20.*"], IAM_USER_NO_MFA)).toBe(true);
    expect(alarms(["19.*"], IAM_USER_NO_MFA)).toBe(true);
  });

  it("does not alarm on failed sign-ins, which ConsoleAuthFailures covers", () => {
    for (const rec of [IAM_USER_FAILURE, ROOT_FAILURE, UNKNOWN_USER_FAILURE]) expect(alarms(["198.51.100.0/24"], rec)).toBe(false);
  });

  it("does not alarm on records that are not console sign-ins", () => {
    for (const rec of [CHECK_MFA, IDENTITY_CENTER_AUTH, ROOT_PASSWORD, ROOT_ENABLE_MFA, GUARDDUTY_API_CALL])
      expect(alarms(["198.51.100.0/24"], rec)).toBe(false);
  });

  it("with an empty list alarms on every successful sign-in and says so in a warning", () => {
    const { spec, warnings } = allowList([]);
    for (const rec of [IAM_USER_NO_MFA, IAM_USER_MFA, ROOT_MFA, SSO, SAML])
      expect(matchesFilterPattern(spec.filterPattern, rec)).toBe(true);
    expect(matchesFilterPattern(spec.filterPattern, IAM_USER_FAILURE)).toBe(false);
    expect(warnings).toEqual([
      expect.stringMatching(/cloudtrail\.consoleLogin\.allowedIps is empty, so every successful console sign-in alarms/),
    ]);
    expect(spec.description).toMatch(/allowedIps is empty/);
  });

  it("exists whenever consoleLogin is set, whatever cisAlarms is", () => {
    for (const cisAlarms of ["strict", "tuned", "off"]) {
      const { specs } = logAlarmSpecs(cloudtrail({ cisAlarms, consoleLogin: {} }));
      expect(specs.filter((s) => s.name === "ConsoleLoginOutsideAllowList")).toHaveLength(1);
    }
  });

  it.each([
    ["10.0.0.0/8", "10.*"],
    ["172.16.0.0/16", "172.16.*"],
    ["198.51.100.0/24", "198.51.100.*"],
    ["203.0.113.7/32", "203.0.113.7"],
    ["203.0.113.7", "203.0.113.7"],
    ["198.51.*", "198.51.*"],
    [" 203.0.113.7 ", "203.0.113.7"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["2001:db8::1", "2001:db8::1"],
  ])('writes %s as != "%s"', (entry, value) => {
    expect(consoleLoginAllowListPattern([entry]).pattern).toBe(
      `{ ($.eventName = "ConsoleLogin") && ($.responseElements.ConsoleLogin = "Success") && ($.sourceIPAddress != "${value}") }`,
    );
  });

  it("matches CIDR-converted wildcards on exactly the addresses inside the range", () => {
    const p = consoleLoginAllowListPattern(["10.0.0.0/8", "172.16.0.0/16"]).pattern;
    const login = (ip: string) => derived(IAM_USER_MFA, { sourceIPAddress: ip });
    expect(matchesFilterPattern(p, login("10.255.1.2"))).toBe(false);
    expect(matchesFilterPattern(p, login("172.16.9.9"))).toBe(false);
    expect(matchesFilterPattern(p, login("100.1.1.1"))).toBe(true);
    expect(matchesFilterPattern(p, login("172.160.0.1"))).toBe(true);
    expect(matchesFilterPattern(p, login("172.17.0.1"))).toBe(true);
  });

  const refusal = (entries: string[]) => {
    try {
      consoleLoginAllowListPattern(entries);
    } catch (e) {
      expect(e).toBeInstanceOf(AllowListError);
      return e as AllowListError;
    }
    throw new Error(`expected ${JSON.stringify(entries)} to be refused`);
  };

  it("refuses a /12 naming the entry, and says to split it into /16s or widen it to /8", () => {
    const e = refusal(["192.0.2.0/24", "10.0.0.0/12"]);
    expect(e.name).toBe("AllowListError");
    expect(e.issues).toEqual([{ path: "cloudtrail.consoleLogin.allowedIps[1]", message: expect.any(String) }]);
    expect(e.message).toMatch(
      /^cloudtrail\.consoleLogin\.allowedIps\[1\]: "10\.0\.0\.0\/12".*\/8, \/16, \/24, \/32.*Split 10\.0\.0\.0\/12 into 16 \/16s \(10\.0\.0\.0\/16 \.\.\. 10\.15\.0\.0\/16\) or widen it to 10\.0\.0\.0\/8/,
    );
  });

  it("refuses a /23 and offers the two /24s or the /16", () => {
    expect(refusal(["198.51.100.0/23"]).message).toMatch(
      /Split 198\.51\.100\.0\/23 into 2 \/24s \(198\.51\.100\.0\/24 \.\.\. 198\.51\.101\.0\/24\) or widen it to 198\.51\.0\.0\/16/,
    );
  });

  it.each([
    ["10.0.0.1/8", /host bits set after the \/8; did you mean 10\.0\.0\.0\/8\?/],
    ["10.0.0.0/33", /prefix length 33; an IPv4 prefix is 0 to 32/],
    ["10.0.0/8", /not an IPv4 address/],
    ["256.1.1.1", /"256" is above 255/],
    ["10.01.0.1", /leading zero/],
    ["10.0.0.1*", /"\*" may only replace whole octets at the end/],
    ["10.*.0.1", /"\*" may only replace whole octets at the end/],
    ["*", /allows every address/],
    ["0.0.0.0/0", /allows every address/],
    ["", /the entry is empty/],
    ["office", /is not an IP address/],
    ["10.0.0.0/8/8", /is not a CIDR/],
    ["2001:db8::/32", /IPv6 ranges and wildcards aren't supported/],
    ["2001:db8::1::2", /is not an IPv6 address/],
  ])("refuses %j and explains why", (entry, message) => {
    const e = refusal([entry]);
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]!.path).toBe("cloudtrail.consoleLogin.allowedIps[0]");
    expect(e.issues[0]!.message).toMatch(message);
  });

  it("reports every refused entry at once, including duplicates", () => {
    const e = refusal(["10.0.0.0/12", "192.0.2.0/24", "192.0.2.*", "bad"]);
    expect(e.issues.map((i) => i.path)).toEqual([
      "cloudtrail.consoleLogin.allowedIps[0]",
      "cloudtrail.consoleLogin.allowedIps[2]",
      "cloudtrail.consoleLogin.allowedIps[3]",
    ]);
    expect(e.issues[1]!.message).toMatch(/same addresses as cloudtrail\.consoleLogin\.allowedIps\[1\]/);
  });

  it("is refused by the config schema, at the entry's path, with every other config problem", () => {
    const result = configSchema.safeParse({
      project: "acme",
      homeRegion: "us-east-1",
      regions: ["us-east-1"],
      notifications: { emails: ["security@example.com"] },
      cloudtrail: { logGroup: { name: "t" }, consoleLogin: { allowedIps: ["10.0.0.0/12"] } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([["cloudtrail", "consoleLogin", "allowedIps", 0]]);
    expect(result.error?.issues[0].message).toMatch(/Split 10\.0\.0\.0\/12/);
  });

  it("refuses a pattern over 1024 characters and says how many entries fit", () => {
    const ips = Array.from({ length: 40 }, (_, i) => `203.0.113.${i + 100}`);
    const e = refusal(ips);
    const [, fit] = /only the first (\d+) entries fit/.exec(e.message) ?? [];
    expect(e.issues[0]!.path).toBe("cloudtrail.consoleLogin.allowedIps");
    expect(e.message).toMatch(/the 40 entries make a \d+-character filter pattern, but CloudWatch Logs allows at most 1024/);
    // The reported number is exact: that many entries build, one more does not.
    expect(consoleLoginAllowListPattern(ips.slice(0, Number(fit))).pattern.length).toBeLessThanOrEqual(MAX_FILTER_PATTERN_LENGTH);
    expect(() => consoleLoginAllowListPattern(ips.slice(0, Number(fit) + 1))).toThrow(AllowListError);
  });
});

describe("per-alarm overrides (cloudtrail.alarms)", () => {
  it("removes an alarm with enabled: false and keeps the others", () => {
    const { specs } = logAlarmSpecs(cloudtrail({ alarms: { UnauthorizedApiCalls: { enabled: false } }, consoleLogin: { allowedIps: [] } }));
    expect(specs.map((s) => s.name)).not.toContain("UnauthorizedApiCalls");
    expect(specs).toHaveLength(15);
    const noAllowList = logAlarmSpecs(
      cloudtrail({ alarms: { ConsoleLoginOutsideAllowList: { enabled: false } }, consoleLogin: { allowedIps: [] } }),
    );
    expect(noAllowList.specs.map((s) => s.name)).not.toContain("ConsoleLoginOutsideAllowList");
  });

  it("sets threshold, period and evaluation periods on top of the flavour's values, leaving the pattern alone", () => {
    const { specs } = logAlarmSpecs(
      cloudtrail({
        cisAlarms: "tuned",
        alarms: { UnauthorizedApiCalls: { threshold: 20, periodSec: 900 }, RootAccountUsage: { evaluationPeriods: 2 } },
      }),
    );
    const m = byName(specs);
    expect(m.get("UnauthorizedApiCalls")).toMatchObject({ threshold: 20, periodSec: 900, evaluationPeriods: 1 });
    expect(m.get("RootAccountUsage")).toMatchObject({
      threshold: 1,
      periodSec: 300,
      evaluationPeriods: 2,
      filterPattern: SECURITY_HUB_PATTERNS[0]![3],
    });
    expect(m.get("ConsoleAuthFailures")!.threshold).toBe(3);
  });

  it("warns when an override names an alarm the config does not create", () => {
    const off = logAlarmSpecs(cloudtrail({ cisAlarms: "off", alarms: { RootAccountUsage: { threshold: 2 } } }));
    expect(off.warnings).toEqual([expect.stringMatching(/cloudtrail\.alarms\.RootAccountUsage is ignored.*cisAlarms is off/)]);
    const noLogin = logAlarmSpecs(cloudtrail({ alarms: { ConsoleLoginOutsideAllowList: { threshold: 2 } } }));
    expect(noLogin.warnings).toEqual([expect.stringMatching(/ConsoleLoginOutsideAllowList is ignored.*consoleLogin is not set/)]);
    // Switching an alarm off that isn't there is what the user wants already.
    expect(logAlarmSpecs(cloudtrail({ cisAlarms: "off", alarms: { RootAccountUsage: { enabled: false } } })).warnings).toEqual([]);
  });
});

describe("every generated pattern", () => {
  const configs: Record<string, unknown>[] = [
    { cisAlarms: "strict", consoleLogin: { allowedIps: ["192.0.2.0/24", "2001:db8::1"] } },
    { cisAlarms: "tuned", consoleLogin: { allowedIps: [] } },
  ];
  const all = configs.flatMap((c) => logAlarmSpecs(cloudtrail(c)).specs);

  it.each(all.map((s) => [s.name, s.filterPattern] as const))("%s parses and is at most 1024 characters", (_name, pattern) => {
    expect(pattern.length).toBeLessThanOrEqual(MAX_FILTER_PATTERN_LENGTH);
    expect(() => parseFilterPattern(pattern)).not.toThrow();
  });

  it("comes with a description of at most 1024 characters that says what to do", () => {
    for (const s of all) {
      expect(s.description.length).toBeGreaterThan(80);
      expect(s.description.length).toBeLessThanOrEqual(1024);
    }
  });
});
