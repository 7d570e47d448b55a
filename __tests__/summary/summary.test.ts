import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { estimateCost, loadPriceTable } from "../../scripts/summary/cost";
import { describeStack } from "../../scripts/summary/facts";
import { checkFlowchart, flowchart } from "../../scripts/summary/mermaid";
import { renderSummary } from "../../scripts/summary/markdown";
import { indexStack, readSynthOutput, referencesIn, type StackJson, type SynthOutput } from "../../scripts/summary/synth-output";
import { BASE_YAML, synthYaml, type Synthesized } from "../helpers/synth";

const ROOT = join(__dirname, "..", "..");
const prices = loadPriceTable();

const FULL = `
project: acme
homeRegion: eu-west-1
regions: [eu-west-1, us-east-1, ap-southeast-2]
accounts:
  - { name: prod, id: "111111111111", assumeRoleArn: "arn:aws:iam::111111111111:role/ThreatAlertsDeploy" }
  - { name: dev, id: "222222222222" }
guardduty:
  minSeverity: MEDIUM
  features: { runtimeMonitoring: true, rdsLoginEvents: false }
notifications:
  emails: [security@example.com, oncall@example.com]
  chatbot: { slackTeamId: T0123ABCD, slackChannelId: C0123ABCD }
  slack: { webhookParameter: /threat-alerts/slack-webhook }
cloudtrail:
  createTrail: true
  consoleLogin: { allowedIps: ["203.0.113.10", "198.51.100.0/24"] }
backend: { type: s3, s3: { bucket: my-tfstate, region: eu-west-1 } }
`;

function read(out: Synthesized): SynthOutput {
  return readSynthOutput(out.outdir);
}

describe("summary of the minimal config", () => {
  let out: Synthesized;
  let output: SynthOutput;
  beforeAll(() => {
    out = synthYaml(BASE_YAML);
    output = read(out);
  });
  afterAll(() => out.cleanup());

  test("one row per region with the detector, its plans, the severity floor and the channels", () => {
    const f = describeStack(output.stacks.get("acme")!);
    expect(f.accountIds).toEqual([]);
    // The state file as a path in the project (Terraform runs in cdktf.out/stacks/acme/).
    expect(f.backend.text).toMatch(/^local file `(cdktf\.out\/stacks\/acme\/terraform\.acme|state\/acme)\.tfstate`$/);
    expect(f.terraformVersion).toBe(">= 1.5.7");
    expect(f.providerVersions).toEqual(["hashicorp/aws 6.25.0"]);
    expect(f.rows.map((r) => r.region)).toEqual(["us-east-1", "eu-west-1"]);
    for (const row of f.rows) {
      expect(row.cells).toMatchObject({
        GuardDuty: "created",
        Plans: "EBS malware, EKS, Lambda, RDS, S3",
        "Severity floor": ">= 7 (HIGH)",
        Channels: "email x1",
      });
    }
    // Columns with nothing in them are left out; types without a column still count.
    expect(f.columns.slice(0, 4)).toEqual(["GuardDuty", "Plans", "Severity floor", "Channels"]);
    expect(f.columns).not.toContain("AWS Config");
    expect(f.resourceCounts.find(([t]) => t === "aws_kms_key")?.[1]).toBeGreaterThanOrEqual(2);
    expect(f.logAlarms).toEqual([]);
  });

  test("the cost is the price table's prices times the stack's KMS keys and alarms", () => {
    const stack = output.stacks.get("acme")!;
    const keys = stack.items.filter((i) => i.kind === "resource" && i.type === "aws_kms_key").length;
    const alarms = stack.items.filter((i) => i.kind === "resource" && i.type === "aws_cloudwatch_metric_alarm").length;
    const cost = estimateCost(stack, prices);
    expect(keys).toBeGreaterThanOrEqual(2);
    expect(cost.lines.map((l) => [l.key, l.quantity])).toEqual([
      ["aws_kms_key", keys],
      ...(alarms ? [["aws_cloudwatch_metric_alarm", alarms]] : []),
    ]);
    expect(cost.total).toBeCloseTo(keys * prices.fixed.aws_kms_key.monthly + alarms * prices.fixed.aws_cloudwatch_metric_alarm.monthly, 2);
    expect(cost.usage.map((u) => u.key)).toEqual(expect.arrayContaining(["aws_guardduty_detector", "aws_kms_key", "aws_sns_topic"]));
  });
});

describe("summary of a two-account config with every optional piece", () => {
  let out: Synthesized;
  let output: SynthOutput;
  let markdown: string;
  beforeAll(() => {
    out = synthYaml(FULL);
    output = read(out);
    markdown = renderSummary(output, { prices });
  });
  afterAll(() => out.cleanup());

  test("each stack names its account, role and state object", () => {
    const prod = describeStack(output.stacks.get("acme-prod")!);
    expect(prod.accountIds).toEqual(["111111111111"]);
    expect(prod.assumeRoleArns).toEqual(["arn:aws:iam::111111111111:role/ThreatAlertsDeploy"]);
    expect(prod.backend.text).toBe("S3 `s3://my-tfstate/threat-alerts/acme-prod.tfstate` (eu-west-1, encrypted, S3 lockfile)");
    expect(describeStack(output.stacks.get("acme-dev")!).accountIds).toEqual(["222222222222"]);
    expect(markdown).toContain("## acme-dev");
    expect(markdown).toContain("## acme-prod");
    expect(markdown.startsWith("<!-- threat-alerts-summary -->\n")).toBe(true);
  });

  test("a stack equal to an earlier one in a part points to it instead of repeating it", () => {
    const prod = markdown.slice(markdown.indexOf("## acme-prod"));
    expect(prod).toContain("Same as `acme-dev`: regions, resource types, alarms, alert flow, cost.");
    expect(prod).not.toContain("```mermaid");
    // What differs is still there: the account and its role.
    expect(prod).toContain("account `111111111111` via role `arn:aws:iam::111111111111:role/ThreatAlertsDeploy`");
  });

  test("the region table shows plans on and off, the MEDIUM floor, every channel, and alarms where they live", () => {
    const f = describeStack(output.stacks.get("acme-prod")!);
    const home = f.rows.find((r) => r.region === "eu-west-1")!;
    const other = f.rows.find((r) => r.region === "ap-southeast-2")!;
    expect(home.cells.Plans).toBe("EBS malware, EKS, Lambda, Runtime, S3");
    expect(home.cells["Severity floor"]).toBe(">= 4 (MEDIUM)");
    expect(other.cells.Channels).toBe("email x2, Lambda acme-slack-notifier, Chatbot");
    const homeAlarms = output.stacks
      .get("acme-prod")!
      .items.filter((i) => i.type === "aws_cloudwatch_metric_alarm" && i.region === "eu-west-1").length;
    expect(homeAlarms).toBeGreaterThanOrEqual(16 + 2);
    expect(home.cells.Alarms).toBe(String(homeAlarms));
    const otherAlarms = output.stacks
      .get("acme-prod")!
      .items.filter((i) => i.type === "aws_cloudwatch_metric_alarm" && i.region === "ap-southeast-2").length;
    expect(other.cells.Alarms).toBe(otherAlarms ? String(otherAlarms) : undefined);
    expect(markdown).toContain(
      "| ap-southeast-2 | created | EBS malware, EKS, Lambda, Runtime, S3 | >= 4 (MEDIUM) | email x2, Lambda acme-slack-notifier, Chatbot |",
    );
  });

  test("CloudTrail alarms are told apart from the notifier's own alarms, with the console allow-list", () => {
    const f = describeStack(output.stacks.get("acme-prod")!);
    expect(f.logAlarms).toHaveLength(16);
    expect(f.logAlarms.find((a) => a.name === "acme-RootAccountUsage")).toMatchObject({
      region: "eu-west-1",
      threshold: 1,
      periodSec: 300,
    });
    expect(f.otherAlarms.map((a) => a.name)).toEqual(
      expect.arrayContaining(["acme-slack-notifier-errors", "acme-slack-notifier-failures-waiting"]),
    );
    const all = output.stacks.get("acme-prod")!.items.filter((i) => i.type === "aws_cloudwatch_metric_alarm").length;
    expect(f.logAlarms.length + f.otherAlarms.length).toBe(all);
    expect(f.consoleAllowList).toEqual(["203.0.113.10", "198.51.100.*"]);
    expect(markdown).toContain("Console sign-ins are allowed without an alarm from: `203.0.113.10`, `198.51.100.*`.");
  });

  test("the cost adds every KMS key (topics, the trail) and every alarm at the table's prices", () => {
    const stack = output.stacks.get("acme-prod")!;
    const keys = stack.items.filter((i) => i.type === "aws_kms_key").length;
    const alarms = stack.items.filter((i) => i.type === "aws_cloudwatch_metric_alarm").length;
    const cost = estimateCost(stack, prices);
    const expected = keys * prices.fixed.aws_kms_key.monthly + alarms * prices.fixed.aws_cloudwatch_metric_alarm.monthly;
    expect(keys).toBeGreaterThanOrEqual(4);
    expect(cost.lines.map((l) => [l.key, l.quantity])).toEqual([
      ["aws_kms_key", keys],
      ["aws_cloudwatch_metric_alarm", alarms],
    ]);
    expect(cost.total).toBeCloseTo(expected, 2);
    expect(markdown).toContain(`| **Total** |  |  | **$${expected.toFixed(2)}** |`);
    expect(markdown).toContain(`at ${prices.region} list prices in USD (retrieved ${prices.retrieved}`);
  });

  test.each(["acme-prod", "acme-dev"])("the alert flow of %s is a well-formed flowchart from every source to every channel", (name) => {
    const chart = flowchart(output.stacks.get(name)!);
    expect(checkFlowchart(chart)).toEqual([]);
    expect(chart).toContain('src_aws_guardduty -->|"severity >= 4 (MEDIUM)"| rules_aws_guardduty');
    for (const edge of [
      "rules_aws_guardduty --> topic_acme_alerts",
      "trail_logs --> filters",
      "filters --> log_alarms",
      "log_alarms --> topic_acme_alerts",
      "other_alarms --> topic_acme_alerts",
      "topic_acme_alerts --> email_topic_acme_alerts",
      "topic_acme_alerts --> fn_slack_notifier_function_25EEB782",
      "fn_slack_notifier_function_25EEB782 --> slack_webhook",
      "topic_acme_alerts --> chatbot",
      "chatbot --> slack_channel",
    ]) {
      expect(chart).toContain(`  ${edge}`);
    }
    expect(markdown).toContain("```mermaid\n" + chart + "\n```");
  });
});

describe("detectors created, adopted and managed elsewhere, from real synth output", () => {
  const synthRows = (yaml: string) => {
    const out = synthYaml(yaml);
    try {
      return describeStack(readSynthOutput(out.outdir).stacks.get("acme")!).rows.map((r) => [r.region, r.cells.GuardDuty]);
    } finally {
      out.cleanup();
    }
  };

  test("an existing detector in one region is adopted there (import block) and created in the other", () => {
    const yaml = `${BASE_YAML}guardduty:\n  existingDetectors: { default: { eu-west-1: "${"a".repeat(32)}" } }\n`;
    expect(synthRows(yaml)).toEqual([
      ["us-east-1", "created"],
      ["eu-west-1", "adopted"],
    ]);
  });

  test("manageDetector: false alerts on findings of a detector managed elsewhere", () => {
    expect(synthRows(`${BASE_YAML}guardduty:\n  manageDetector: false\n`)).toEqual([
      ["us-east-1", expect.stringMatching(/^(external|not managed here)$/)],
      ["eu-west-1", expect.stringMatching(/^(external|not managed here)$/)],
    ]);
  });
});

describe("alert sources from real synth output: AWS Config, Security Hub, export, suppressions with their reasons, trusted IPs", () => {
  const YAML = `${BASE_YAML}guardduty:
  export: { retentionDays: 365 }
  suppress:
    - { name: internal-scanner, reason: authorised weekly scan, findingTypes: [Recon:EC2/PortProbeUnprotectedPort] }
  trustedIps: ["198.51.100.0/24"]
awsConfig:
  managedRules: [ec2-no-amazon-key-pair, s3-bucket-public-read-prohibited]
  createRecorder: true
securityHub: { minSeverity: HIGH }
`;
  let out: Synthesized;
  let output: SynthOutput;
  beforeAll(() => {
    out = synthYaml(YAML);
    output = read(out);
  });
  afterAll(() => out.cleanup());

  test("every region shows each source, and the suppression is listed once with its reason and regions", () => {
    const f = describeStack(output.stacks.get("acme")!);
    for (const row of f.rows) {
      expect(row.cells).toMatchObject({
        "AWS Config": "recorder, 2 rule(s)",
        "Security Hub": "findings HIGH/CRITICAL alerted",
        Export: "S3",
        Suppressed: "1 filter(s)",
        "Trusted IPs": "1 list(s)",
      });
    }
    expect(f.suppressions).toEqual([
      { name: "acme-internal-scanner", regions: ["us-east-1", "eu-west-1"], action: "ARCHIVE", reason: "authorised weekly scan" },
    ]);
    const chart = flowchart(output.stacks.get("acme")!);
    expect(checkFlowchart(chart)).toEqual([]);
    expect(chart).toContain('src_aws_securityhub -->|"severity HIGH, CRITICAL"| rules_aws_securityhub');
    expect(chart).toContain("src_aws_config --> rules_aws_config");
  });
});

describe("what-is-on columns come from resource types, so later features show up", () => {
  const base = (extra: StackJson["resource"], data?: StackJson["data"], imports?: StackJson["import"]): StackJson => ({
    terraform: { required_providers: { aws: { source: "aws", version: "6.25.0" } } },
    provider: { aws: [{ alias: "eu_west_1", region: "eu-west-1" }] },
    resource: extra,
    data,
    import: imports,
  });

  test("an adopted detector (import block), suppression filters with their reasons, Config rules and Security Hub", () => {
    const stack = indexStack(
      "x",
      base(
        {
          aws_guardduty_detector: { d: { provider: "aws.eu_west_1", enable: true } },
          aws_guardduty_filter: {
            f: {
              provider: "aws.eu_west_1",
              name: "scanner",
              action: "ARCHIVE",
              description: "Vulnerability scanner 10.0.0.5, ticket SEC-12",
              detector_id: "${aws_guardduty_detector.d.id}",
            },
          },
          aws_config_config_rule: { a: { provider: "aws.eu_west_1", name: "r1" }, b: { provider: "aws.eu_west_1", name: "r2" } },
          aws_securityhub_account: { h: { provider: "aws.eu_west_1" } },
          aws_cloudwatch_event_rule: {
            sh: {
              provider: "aws.eu_west_1",
              event_pattern: JSON.stringify({
                source: ["aws.securityhub"],
                detail: { findings: { Severity: { Label: ["HIGH", "CRITICAL"] } } },
              }),
            },
          },
        },
        undefined,
        [{ to: "aws_guardduty_detector.d", id: "abc123", provider: "aws.eu_west_1" }],
      ),
    );
    const f = describeStack(stack);
    expect(f.rows[0].cells).toMatchObject({
      GuardDuty: "adopted",
      "AWS Config": "2 rule(s)",
      "Security Hub": "on, findings HIGH/CRITICAL alerted",
      Suppressed: "1 filter(s)",
    });
    expect(f.suppressions).toEqual([
      { name: "scanner", regions: ["eu-west-1"], action: "ARCHIVE", reason: "Vulnerability scanner 10.0.0.5, ticket SEC-12" },
    ]);
    const md = renderSummary({ dir: "x", stacks: new Map([["x", stack]]) }, { prices });
    expect(md).toContain("| `scanner` | eu-west-1 | ARCHIVE | Vulnerability scanner 10.0.0.5, ticket SEC-12 |");
  });

  test("an organization's management stack shows its delegated admin and auto-enable setting", () => {
    const stack = indexStack(
      "x",
      base({
        aws_guardduty_organization_admin_account: { a: { provider: "aws.eu_west_1", admin_account_id: "333333333333" } },
        aws_guardduty_organization_configuration: { c: { provider: "aws.eu_west_1", auto_enable_organization_members: "ALL" } },
      }),
    );
    const f = describeStack(stack);
    expect(f.columns).toEqual(["Organization"]);
    expect(f.rows[0].cells.Organization).toBe("delegated admin 333333333333, auto-enable ALL");
  });

  test("a Terraform Cloud backend names the workspace and organization", () => {
    // With a hostname (Terraform Enterprise), written as the cloud block is synthesized.
    const json = base({});
    const stack = indexStack("x", {
      ...json,
      terraform: {
        ...json.terraform,
        cloud: { organization: "my-org", hostname: "tfe.example.com", workspaces: { name: "threat-alerts-x" } },
      },
    });
    expect(describeStack(stack).backend.text).toBe(
      "Terraform Cloud workspace `threat-alerts-x` in organization `my-org` on tfe.example.com",
    );
  });

  test("the flow shows dead-letter queues of EventBridge targets and SNS subscriptions, and each topic by name", () => {
    const p = { provider: "aws.eu_west_1" };
    const stack = indexStack(
      "x",
      base({
        aws_cloudwatch_event_rule: {
          r: { ...p, name: "acme-guardduty-findings", event_pattern: JSON.stringify({ source: ["aws.guardduty"] }) },
        },
        aws_cloudwatch_event_target: {
          t: {
            ...p,
            rule: "${aws_cloudwatch_event_rule.r.name}",
            arn: "${aws_sns_topic.a.arn}",
            dead_letter_config: { arn: "${aws_sqs_queue.d.arn}" },
          },
        },
        aws_sns_topic: { a: { ...p, name: "acme-alerts" }, h: { ...p, name: "acme-alerts-health" } },
        aws_sqs_queue: { d: { ...p, name: "dlq" }, s: { ...p, name: "sub-dlq" } },
        aws_sns_topic_subscription: {
          e: { ...p, protocol: "email", endpoint: "x@example.com", topic_arn: "${aws_sns_topic.h.arn}" },
          q: {
            ...p,
            protocol: "https",
            endpoint: "https://example.com",
            topic_arn: "${aws_sns_topic.a.arn}",
            redrive_policy: '${jsonencode({"deadLetterTargetArn" = aws_sqs_queue.s.arn})}',
          },
        },
      }),
    );
    const chart = flowchart(stack);
    expect(checkFlowchart(chart)).toEqual([]);
    expect(chart).toContain("  rules_aws_guardduty --> topic_acme_alerts\n");
    expect(chart).toContain('  rules_aws_guardduty -.->|"delivery failed"| rule_dlq');
    expect(chart).toContain('  topic_acme_alerts -.->|"delivery failed"| sub_dlq');
    expect(chart).toContain("  topic_acme_alerts_health --> email_topic_acme_alerts_health");
    expect(chart).not.toContain("rules_aws_guardduty --> target_aws_sqs_queue");
  });

  test("a detector looked up with a data source is external, unless the stack also manages one there", () => {
    const stack = indexStack("x", base({}, { aws_guardduty_detector: { d: { provider: "aws.eu_west_1" } } }));
    expect(describeStack(stack).rows[0].cells.GuardDuty).toBe("external");
    const both = indexStack(
      "x",
      base(
        { aws_guardduty_detector: { r: { provider: "aws.eu_west_1" } } },
        { aws_guardduty_detector: { d: { provider: "aws.eu_west_1" } } },
        [{ to: "aws_guardduty_detector.r", id: "x" }],
      ),
    );
    expect(describeStack(both).rows[0].cells.GuardDuty).toBe("adopted");
  });
});

test("references are found inside expressions, also nested in function calls, and not in plain strings", () => {
  expect(
    referencesIn({
      a: "${aws_sns_topic.t.arn}",
      b: ['${jsonencode({"deadLetterTargetArn" = aws_sqs_queue.q.arn})}'],
      c: "arn:${data.aws_partition.p.partition}:iam::aws:policy/X",
      d: "aws_kms_key.not_a_reference in prose, ${var.x} and ${count.index}",
    }),
  ).toEqual(["aws_sns_topic.t", "aws_sqs_queue.q", "data.aws_partition.p"]);
});

describe("the Mermaid check is strict", () => {
  const good = 'flowchart LR\n  a["A"]\n  b["B"]\n  a -->|"x"| b';
  test("a well-formed chart passes", () => expect(checkFlowchart(good)).toEqual([]));
  test.each([
    ["a missing header", good.replace("flowchart LR", "graph")],
    ["an undeclared node", `${good}\n  a --> c`],
    ["a reserved id", 'flowchart LR\n  end["E"]\n  a["A"]\n  a --> end'],
    ["a raw quote in a label", good.replace('"A"', '"say "hi""')],
    ["a node without edges", `${good}\n  c["C"]`],
    ["an unknown line", `${good}\n  a == b`],
    ["HTML in a label", good.replace('"A"', '"<b>A</b>"')],
  ])("%s fails", (_what, chart) => expect(checkFlowchart(chart).length).toBeGreaterThan(0));
});

describe("npm run summary", () => {
  let out: Synthesized;
  let dir: string;
  beforeAll(() => {
    out = synthYaml(BASE_YAML);
    dir = mkdtempSync(join(tmpdir(), "threat-alerts-summary-test-"));
  });
  afterAll(() => {
    out.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, "bin", "run-ts.js"), join(ROOT, "scripts", "summary.ts"), ...args], {
      cwd: ROOT,
      encoding: "utf8",
    });

  test("writes the Markdown for a synthesized output", () => {
    const file = join(dir, "summary.md");
    const r = run("--out", out.outdir, "--output", file);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(renderSummary(readSynthOutput(out.outdir), { prices }));
  });

  test("--synth synthesizes THREAT_ALERTS_CONFIG first, into a temp dir it removes", () => {
    const config = join(dir, "c.yaml");
    writeFileSync(config, BASE_YAML.replace("regions: [us-east-1, eu-west-1]", "regions: [us-east-1, ap-northeast-1]"));
    const temps = () => readdirSync(tmpdir()).filter((f) => f.startsWith("threat-alerts-summary-") && !f.includes("test"));
    const before = temps();
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "run-ts.js"), join(ROOT, "scripts", "summary.ts"), "--synth"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, THREAT_ALERTS_CONFIG: config },
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("- **Regions:** us-east-1, ap-northeast-1");
    expect(temps()).toEqual(before);
  });

  test("--synth with a bad config: the config problem, exit 1, no stack trace", () => {
    const config = join(dir, "bad.yaml");
    writeFileSync(config, BASE_YAML.replace("homeRegion: us-east-1", "homeRegion: mars-1"));
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "run-ts.js"), join(ROOT, "scripts", "summary.ts"), "--synth"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, THREAT_ALERTS_CONFIG: config },
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^threat-alerts summary: invalid config .*homeRegion/s);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("a directory that is not a synth output: a clear message, exit 1, no stack trace", () => {
    writeFileSync(join(dir, "stray.txt"), "x");
    const r = run("--out", dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("is not a synthesized cdktf output (no manifest.json)");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
