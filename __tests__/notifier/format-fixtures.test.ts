import { formatIncoming } from "../../lambda-src/format";
import type { Formatted } from "../../lambda-src/format";
import { splitRecords } from "../../lambda-src/parse";
import { fixture, guardDutyEvent, loadFixtures, snsEvent } from "./fixtures";
import type { Fixture } from "./fixtures";
import { slackEscaped, slackViolations, visibleText } from "./slack-limits";

const ACCOUNT_NAMES = { "123456789012": "prod-security", "123412341234": "staging" };

function formatAll(event: unknown): Formatted[] {
  return splitRecords(event).map((item) => formatIncoming(item, { accountNames: ACCOUNT_NAMES }));
}

function formatOne(event: unknown): Formatted {
  const all = formatAll(event);
  expect(all).toHaveLength(1);
  return all[0];
}

/** GuardDuty's bands, restated here rather than imported. */
function band(severity: number): string {
  return severity >= 9 ? "Critical" : severity >= 7 ? "High" : severity >= 4 ? "Medium" : "Low";
}

function expectContains(formatted: Formatted, ...values: string[]): void {
  const text = visibleText(formatted.message);
  for (const v of values) expect(text).toContain(slackEscaped(v));
}

const fixtures = loadFixtures();
const byFolder = (folder: string) => fixtures.filter((f) => f.folder === folder);

describe("every event fixture", () => {
  it("has a fixture corpus to check", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(60);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))("%s formats into Block Kit within Slack's limits", (_name, f: Fixture) => {
    const all = formatAll(f.json);
    expect(all.length).toBeGreaterThan(0);
    for (const formatted of all) expect(slackViolations(formatted.message)).toEqual([]);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))("%s also formats when delivered through SNS", (_name, f: Fixture) => {
    const formatted = formatOne(snsEvent(f.json));
    expect(slackViolations(formatted.message)).toEqual([]);
  });
});

/** Resource facts per GuardDuty fixture, read from the files by hand. */
const GUARDDUTY_RESOURCE: Record<string, string[]> = {
  "eb-detail-only_unauthorizedaccess-ec2-sshbruteforce_sample_sev2.json": ["i-99999999"],
  "eb_cryptocurrency-ec2-bitcointool-b-dns_real_sev8-high.json": ["i-00aa97663294ffbbd", "pool.minergate.com"],
  "finding-only_attacksequence-iam-compromisedcredentials_sev9-critical_panther.json": ["AttackSequence"],
  "finding-only_attacksequence-s3-compromiseddata_sample_sev9-critical_panther.json": ["AttackSequence"],
  "finding-only_canary-ec2-stateless-integtest_sev5.json": ["i-05746eb48123455e0", "ssh-22-open"],
  "finding-only_credentialaccess-rds-anomalousbehavior-successfullogin_sample_sev8-high_elastic.json": [
    "GeneratedFindingDBInstanceId",
    "GeneratedFindingUserName",
  ],
  "finding-only_execution-kubernetes-execinkubesystempod_eks_sample_sev5-medium_elastic.json": ["GeneratedFindingEKSClusterName"],
  "finding-only_pentest-s3-parrotlinux_sample_sev5.json": ["bucketName"],
  "finding-only_persistence-kubernetes-successfulanonymousaccess_eks_sample_sev8-high_elastic.json": [
    "GeneratedFindingEKSClusterName",
    "system:anonymous",
  ],
  "finding-only_policy-iamuser-rootcredentialusage_sample_sev2-low_elastic.json": ["GeneratedFindingAccessKeyId"],
  "finding-only_privesc-iamuser-administrativepermissions_sev8-high_panther.json": ["arn:aws:iam::123456789012:role/IAMRole"],
  "finding-only_privilegeescalation-runtime-dockersocketaccessed_sev5-medium_elastic.json": ["i-abcd1234", "buildserver-a-0"],
  "finding-only_recon-ec2-portprobeunprotectedport_real_sev2-low_sumologic-docs.json": [
    "i-0d6c314027f74dc82",
    "nodes.k8s.travellogic.info",
  ],
  "finding-only_recon-ec2-portprobeunprotectedport_sample_sev2-low_elastic.json": ["i-99999999"],
  "finding-only_recon-iamuser-maliciousipcaller-custom_sample_sev5.json": ["GeneratedFindingAccessKeyId"],
};

describe("GuardDuty findings", () => {
  const findings = byFolder("guardduty").filter((f) => !f.file.includes("malware-protection"));

  it.each(findings.map((f) => [f.name, f] as const))("%s shows type, severity label, account, region and resource", (name, f) => {
    const json = f.json as Record<string, unknown>;
    const detail = (json.detail ?? json) as Record<string, unknown>;
    const event = name.includes("finding-only_") ? guardDutyEvent(detail) : json;
    const formatted = formatOne(event);

    expect(formatted.kind).toBe("guardduty");
    expect(formatted.severity).toBe(Number(detail.severity));
    const label = band(Number(detail.severity));
    expectContains(formatted, detail.type as string, `GuardDuty ${label}`);
    const account = (detail.accountId ?? json.account) as string | undefined;
    if (account) expectContains(formatted, account);
    const region = (detail.region ?? json.region) as string | undefined;
    if (region) expectContains(formatted, region);
    for (const fact of GUARDDUTY_RESOURCE[name.split("/")[1]] ?? []) expectContains(formatted, fact);
  });

  it.each(findings.filter((f) => f.name.includes("finding-only_")).map((f) => [f.name, f] as const))(
    "%s is recognised as a bare finding, without its EventBridge envelope",
    (_name, f) => {
      expect(formatOne(f.json).kind).toBe("guardduty");
    },
  );

  it.each(findings.filter((f) => /_sample_/.test(f.name)).map((f) => [f.name, f] as const))(
    "%s is marked SAMPLE in the header and the notification text",
    (_name, f) => {
      const { message } = formatOne(f.json);
      expect(message.blocks[0]).toMatchObject({ type: "header", text: { text: expect.stringContaining("[SAMPLE]") } });
      expect(message.text.startsWith("[SAMPLE]")).toBe(true);
    },
  );

  it.each(findings.filter((f) => /_real_/.test(f.name)).map((f) => [f.name, f] as const))("%s is not marked SAMPLE", (_name, f) => {
    expect(visibleText(formatOne(f.json).message)).not.toContain("[SAMPLE]");
  });

  it("recognises the newer additionalInfo {value, type} shape as a sample", () => {
    const finding = fixture(
      "guardduty/finding-only_persistence-kubernetes-successfulanonymousaccess_eks_sample_sev8-high_elastic.json",
    ) as Record<string, Record<string, unknown>>;
    const newer = { ...finding, service: { ...finding.service, additionalInfo: { value: '{"sample":true}', type: "default" } } };
    expect(formatOne(newer).message.text).toMatch(/^\[SAMPLE\]/);
    const real = { ...finding, service: { ...finding.service, additionalInfo: { value: '{"sample":false}', type: "default" } } };
    expect(formatOne(real).message.text).not.toMatch(/SAMPLE/);
  });

  it("shows the remote IP with country and organization", () => {
    const formatted = formatOne(
      fixture("guardduty/finding-only_persistence-kubernetes-successfulanonymousaccess_eks_sample_sev8-high_elastic.json"),
    );
    expectContains(formatted, "175.16.199.1", "GeneratedFindingCountryName", "GeneratedFindingORG");
  });

  it("names the account from ACCOUNT_NAMES", () => {
    const formatted = formatOne(fixture("guardduty/finding-only_canary-ec2-stateless-integtest_sev5.json"));
    expectContains(formatted, "123456789012 (prod-security)");
  });

  it("shows count, first and last seen", () => {
    const formatted = formatOne(fixture("guardduty/eb-minimal_recon-portprobe_sev-high_notify-slack.json"));
    expectContains(formatted, "1234", "2020-01-02T01:02:03Z", "2020-01-03T01:02:03Z");
  });

  it.each([
    ["aws", "us-east-1", "https://console.aws.amazon.com/guardduty/home?region=us-east-1#/findings?macros=current&fId=abc123"],
    ["aws-cn", "cn-north-1", "https://console.amazonaws.cn/guardduty/home?region=cn-north-1#/findings?macros=current&fId=abc123"],
    [
      "aws-us-gov",
      "us-gov-west-1",
      "https://console.amazonaws-us-gov.com/guardduty/home?region=us-gov-west-1#/findings?macros=current&fId=abc123",
    ],
  ])("links a finding in partition %s to its region's console", (partition, region, url) => {
    const finding = { type: "Recon:EC2/PortProbeUnprotectedPort", severity: 5, id: "abc123", partition, region, accountId: "1" };
    const { message } = formatOne(guardDutyEvent(finding));
    expect(message.blocks).toContainEqual({ type: "actions", elements: [expect.objectContaining({ type: "button", url })] });
  });

  it("derives the partition from the region when the finding does not say", () => {
    const { message } = formatOne(fixture("sns/sns-lambda_guardduty-finding-minimal_notify-slack.json"));
    expect(JSON.stringify(message.blocks)).toContain("https://console.amazonaws-us-gov.com/guardduty/home?region=us-gov-east-1#");
  });

  it("leaves the link out when the region or finding id is not a plain value", () => {
    const hostile = { type: "T", severity: 5, id: "abc", region: "us-east-1.evil.example/#", accountId: "1" };
    const badId = { type: "T", severity: 5, id: "a/../../x?y", region: "us-east-1", accountId: "1" };
    for (const f of [hostile, badId]) {
      expect(formatOne(guardDutyEvent(f)).message.blocks.some((b) => b.type === "actions")).toBe(false);
    }
  });

  it("uses a distinct emoji per severity label", () => {
    const headers = [1, 5, 8, 9.5].map((severity) => {
      const { message } = formatOne(guardDutyEvent({ type: "T", severity, id: "x", region: "us-east-1", accountId: "1" }));
      return (message.blocks[0] as { text: { text: string } }).text.text.split(" ")[0];
    });
    expect(new Set(headers).size).toBe(4);
  });
});

describe("CloudWatch alarms", () => {
  const alarmFacts = (json: Record<string, unknown>): [string, string] | undefined => {
    if (json["detail-type"] === "CloudWatch Alarm State Change") {
      const d = json.detail as { alarmName: string; state: { value: string } };
      return [d.alarmName, d.state.value];
    }
    if (json.alarmData) {
      const d = json.alarmData as { alarmName: string; state: { value: string } };
      return [d.alarmName, d.state.value];
    }
    const records = json.Records as { Sns: { Message: string } }[] | undefined;
    const m = (records ? JSON.parse(records[0].Sns.Message) : json) as { AlarmName?: string; NewStateValue?: string };
    return m.AlarmName && m.NewStateValue ? [m.AlarmName, m.NewStateValue] : undefined;
  };

  const stateChanges = byFolder("cloudwatch-alarm").filter((f) => !f.name.includes("alarm-config-change"));

  it.each(stateChanges.map((f) => [f.name, f] as const))("%s shows the alarm name and its new state", (_name, f) => {
    const facts = alarmFacts(f.json as Record<string, unknown>);
    expect(facts).toBeDefined();
    const formatted = formatOne(f.json);
    expect(formatted.kind).toBe("alarm");
    expectContains(formatted, facts![0], facts![1]);
    expect(formatted.severity).toBe(facts![1] === "ALARM" ? 7 : 1);
  });

  it("puts the alarm description (the baseline's explanation) right under the header", () => {
    const { message } = formatOne(fixture("cloudwatch-alarm/eb_alarm-state-change_single-metric_ok-to-alarm_aws-docs.json"));
    expect(message.blocks[1]).toMatchObject({
      type: "section",
      text: { text: expect.stringContaining("Goes into alarm when server CPU utilization is too high!") },
    });
  });

  it("shows old → new state, metric, reason, region and a console link", () => {
    const formatted = formatOne(fixture("cloudwatch-alarm/eb_alarm-state-change_single-metric_ok-to-alarm_aws-docs.json"));
    expectContains(formatted, "OK → ALARM", "AWS/EC2/CPUUtilization", "Threshold Crossed", "us-east-1");
    expect(JSON.stringify(formatted.message.blocks)).toContain(
      "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/ServerCpuTooHigh",
    );
  });

  it("takes the region of an SNS alarm notification from the topic, as the JSON only has a display name", () => {
    const formatted = formatOne(fixture("cloudwatch-alarm/sns-lambda_alarm-ok-logmetric_notify-slack.json"));
    expectContains(formatted, "ALARM → OK", "LogMetrics/DBMigrationRequired");
    expect(JSON.stringify(formatted.message.blocks)).toContain("cloudwatch/home?region=us-east-1#alarmsV2:alarm/DBMigrationRequired");
  });

  it.each(
    byFolder("cloudwatch-alarm")
      .filter((f) => f.name.includes("alarm-config-change"))
      .map((f) => [f.name, f] as const),
  )("%s (a configuration change, not a state change) falls back to the generic message", (_name, f) => {
    const formatted = formatOne(f.json);
    expect(formatted.kind).toBe("generic");
    expectContains(formatted, "CloudWatch Alarm Configuration Change");
  });
});

describe("Config compliance changes", () => {
  const changes = byFolder("config").filter((f) => !f.name.includes("custom-rule-lambda-invocation"));

  it.each(changes.map((f) => [f.name, f] as const))("%s shows rule, resource and compliance", (_name, f) => {
    const json = f.json as Record<string, unknown>;
    const d = (json.detail ?? json.Message) as {
      configRuleName: string;
      resourceId: string;
      resourceType: string;
      newEvaluationResult: { complianceType: string };
      oldEvaluationResult?: { complianceType: string };
    };
    const formatted = formatOne(f.json);
    expect(formatted.kind).toBe("config");
    expectContains(formatted, d.configRuleName, d.resourceId, d.resourceType, d.newEvaluationResult.complianceType);
    if (d.oldEvaluationResult)
      expectContains(formatted, `${d.oldEvaluationResult.complianceType} → ${d.newEvaluationResult.complianceType}`);
    expect(formatted.severity).toBe(d.newEvaluationResult.complianceType === "NON_COMPLIANT" ? 4 : 1);
  });

  it("links to the rule in the Config console", () => {
    const { message } = formatOne(
      fixture("config/eb_compliance-change_compliant-to-noncompliant_loggroup-retention_conformance-pack.json"),
    );
    expect(JSON.stringify(message.blocks)).toContain(
      "https://console.aws.amazon.com/config/home?region=ap-southeast-2#/rules/details?configRuleName=cw-loggroup-retention-period-check-conformance-pack-qayjyopmd",
    );
  });

  it("treats the event Config sends to a custom rule as generic (it is not a compliance change)", () => {
    expect(formatOne(fixture("config/custom-rule-lambda-invocation_configuration-item-changed_powertools.json")).kind).toBe("generic");
  });
});

describe("Security Hub findings", () => {
  it.each(byFolder("securityhub").map((f) => [f.name, f] as const))("%s shows title and severity label", (_name, f) => {
    const json = f.json as Record<string, unknown>;
    const findings = ((json.detail as { findings?: unknown[] } | undefined)?.findings ?? [json]) as {
      Title: string;
      Severity: { Label: string };
      Compliance?: { Status: string };
      Workflow?: { Status: string };
    }[];
    const formatted = formatOne(f.json);
    expect(formatted.kind).toBe("securityhub");
    for (const finding of findings) {
      expectContains(formatted, finding.Title, finding.Severity.Label);
      if (finding.Compliance) expectContains(formatted, finding.Compliance.Status);
      if (finding.Workflow) expectContains(formatted, finding.Workflow.Status);
    }
  });

  it("maps the normalized severity onto the routing scale", () => {
    expect(
      formatOne(fixture("securityhub/eb_custom-action_fsbp-iam.6-root-hardware-mfa_critical_failed_asr.json")).severity,
    ).toBeGreaterThanOrEqual(9);
    expect(formatOne(fixture("securityhub/eb_findings-imported_fsbp-ec2.7_informational_failed_asr.json")).severity).toBeLessThan(1);
  });

  it("puts several findings into one message, one section each, within the block limit", () => {
    const one = fixture("securityhub/asff-finding-only_fsbp-control_aws-docs.json") as Record<string, unknown>;
    const findings = Array.from({ length: 30 }, (_, i) => ({ ...one, Id: `${String(one.Id)}-${i}`, Title: `Finding number ${i}` }));
    const event = {
      version: "0",
      id: "x",
      "detail-type": "Security Hub Findings - Imported",
      source: "aws.securityhub",
      account: "123456789012",
      time: "2024-01-01T00:00:00Z",
      region: "us-east-1",
      resources: [],
      detail: { findings },
    };
    const formatted = formatOne(event);
    expect(slackViolations(formatted.message)).toEqual([]);
    expectContains(formatted, "Finding number 0", "Finding number 9", "20 more finding(s) not shown");
    expect(visibleText(formatted.message)).not.toContain("Finding number 10");
  });
});

describe("everything else", () => {
  const generic = [
    ...byFolder("cloudtrail"),
    ...byFolder("other"),
    ...byFolder("sns").filter((f) => !f.name.includes("guardduty-finding")),
  ];

  it.each(generic.map((f) => [f.name, f] as const))("%s gets the generic message with source and detail type", (_name, f) => {
    for (const formatted of formatAll(f.json)) {
      expect(formatted.kind).toBe("generic");
      expect(formatted.severity).toBe(0);
      const json = f.json as Record<string, unknown>;
      if (typeof json.source === "string") expectContains(formatted, json.source);
      if (typeof json["detail-type"] === "string") expectContains(formatted, json["detail-type"]);
    }
  });

  it("shows the event as JSON in a code block", () => {
    const formatted = formatOne(fixture("other/eb_aws-health-event_ec2-issue_notify-slack.json"));
    const code = formatted.message.blocks.find((b) => b.type === "section" && "text" in b && b.text?.text.startsWith("```"));
    expect(code).toBeDefined();
    expectContains(formatted, '"eventTypeCode"');
  });

  it("posts each record of a multi-record SNS event separately", () => {
    const event = fixture("sns/sns-lambda_aws-backup-notifications_notify-slack.json") as { Records: unknown[] };
    expect(formatAll(event)).toHaveLength(event.Records.length);
  });

  it("shows a plain-text SNS message as text with its subject", () => {
    const event = fixture("sns/sns-lambda_plain-text-message_notify-slack.json") as { Records: { Sns: { Message: string } }[] };
    const formatted = formatOne(event);
    expectContains(formatted, event.Records[0].Sns.Message.split("\n")[0]);
  });
});
