import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_REGIONS } from "../../config/regions";
import {
  BASE_YAML,
  countByProvider,
  dataSources,
  policyDocument,
  referenced,
  resources,
  synthYaml,
  type Synthesized,
  type TfJson,
} from "../helpers/synth";

const EXAMPLE = readFileSync(join(__dirname, "..", "..", "threat-alerts.yaml"), "utf8");

describe("the bundled example config (one account, three regions, Chatbot)", () => {
  let out: Synthesized;
  let stack: TfJson;
  let partition: string;
  let accountId: string;
  const regions = ["us-east-1", "eu-west-1", "ap-northeast-1"];
  const aliases = regions.map((r) => `aws.${r.replace(/-/g, "_")}`);
  beforeAll(() => {
    out = synthYaml(EXAMPLE);
    stack = out.stacks.acme;
    partition = `\${data.aws_partition.${dataSources(stack, "aws_partition")[0][0]}.partition}`;
    accountId = `\${data.aws_caller_identity.${dataSources(stack, "aws_caller_identity")[0][0]}.account_id}`;
  });
  afterAll(() => out.cleanup());

  test("synthesizes one stack named after the project", () => {
    expect(Object.keys(out.stacks)).toEqual(["acme"]);
  });

  test("declares one aliased provider per region, plus the Chatbot API region, with default tags", () => {
    const providers = stack.provider.aws;
    expect(providers.map((p) => [p.alias, p.region])).toEqual([
      ["us_east_1", "us-east-1"],
      ["eu_west_1", "eu-west-1"],
      ["ap_northeast_1", "ap-northeast-1"],
      ["us_east_2", "us-east-2"],
    ]);
    for (const p of providers) {
      expect(p.default_tags).toEqual([{ tags: { ManagedBy: "threat-alerts", Project: "acme" } }]);
      expect(p.assume_role).toBeUndefined();
      // The example pins the documentation account id, so it cannot be applied to a real account.
      expect(p.allowed_account_ids).toEqual(["111111111111"]);
    }
  });

  /** The alert topics (not the delivery-health topics, which have their own tests). */
  const alertTopics = () => resources(stack, "aws_sns_topic").filter(([, t]) => t.name === "acme-alerts");
  const isAlertTopicRef = (ref: string) => referenced(stack, ref)[1].name === "acme-alerts";

  test.each([
    ["aws_guardduty_detector", 1],
    ["aws_cloudwatch_event_rule", 1],
    ["aws_cloudwatch_event_target", 1],
    // The alert topic and the delivery-health topic, each with its own key.
    ["aws_sns_topic", 2],
    ["aws_sns_topic_policy", 2],
    ["aws_kms_key", 2],
    ["aws_kms_alias", 2],
    ["aws_guardduty_detector_feature", 6],
  ])("puts %s in every region (%i each)", (type, perRegion) => {
    expect(countByProvider(stack, type)).toEqual(Object.fromEntries(aliases.map((a) => [a, perRegion])));
  });

  test("enables the default protection plans, each as its own feature resource, and keeps Runtime Monitoring off", () => {
    const byRegion = resources(stack, "aws_guardduty_detector_feature").filter(([, f]) => f.provider === "aws.eu_west_1");
    expect(byRegion.map(([, f]) => [f.name, f.status]).sort()).toEqual([
      ["EBS_MALWARE_PROTECTION", "ENABLED"],
      ["EKS_AUDIT_LOGS", "ENABLED"],
      ["LAMBDA_NETWORK_LOGS", "ENABLED"],
      ["RDS_LOGIN_EVENTS", "ENABLED"],
      ["RUNTIME_MONITORING", "DISABLED"],
      ["S3_DATA_EVENTS", "ENABLED"],
    ]);
    for (const [, d] of resources(stack, "aws_guardduty_detector")) {
      expect(d).toMatchObject({ enable: true, finding_publishing_frequency: "FIFTEEN_MINUTES" });
      expect(d.datasources).toBeUndefined();
    }
  });

  test("the findings rule filters GuardDuty findings numerically from HIGH (7) up and targets its own region's topic", () => {
    for (const [, rule] of resources(stack, "aws_cloudwatch_event_rule")) {
      expect(JSON.parse(rule.event_pattern)).toEqual({
        source: ["aws.guardduty"],
        "detail-type": ["GuardDuty Finding"],
        detail: { severity: [{ numeric: [">=", 7] }] },
      });
      expect(rule.name).toBe("acme-guardduty-findings");
    }
    for (const [, target] of resources(stack, "aws_cloudwatch_event_target")) {
      const [, topic] = referenced(stack, target.arn);
      expect(topic.provider).toBe(target.provider);
      const [, rule] = referenced(stack, target.rule);
      expect(rule.provider).toBe(target.provider);
    }
  });

  test("each topic is encrypted with its own region's customer-managed key, rotation on", () => {
    for (const [, topic] of resources(stack, "aws_sns_topic")) {
      expect(topic.kms_master_key_id).not.toMatch(/alias\/aws\/sns/);
      const [, key] = referenced(stack, topic.kms_master_key_id);
      expect(key.provider).toBe(topic.provider);
      expect(key.enable_key_rotation).toBe(true);
    }
  });

  test("the key policy lets the account administer it, EventBridge use it, and CloudWatch use it for this account only", () => {
    expect(alertTopics()).toHaveLength(3);
    for (const [, key] of alertTopics().map(([, t]) => referenced(stack, t.kms_master_key_id))) {
      const doc = policyDocument(stack, key.policy);
      const admin = doc.statement.find((s: any) => s.sid === "AccountAdministersKey");
      expect(admin.principals).toEqual([{ type: "AWS", identifiers: [`arn:${partition}:iam::${accountId}:root`] }]);
      const events = doc.statement.find((s: any) => s.sid === "EventBridgeEncrypts");
      expect(events.principals).toEqual([{ type: "Service", identifiers: ["events.amazonaws.com"] }]);
      expect(events.actions).toEqual(expect.arrayContaining(["kms:GenerateDataKey*", "kms:Decrypt"]));
      // EventBridge sends no aws:SourceAccount/SourceArn to KMS for an encrypted topic: a
      // condition here would make every publish fail silently (the topic policy scopes it instead).
      expect(events.condition).toBeUndefined();
      const alarms = doc.statement.find((s: any) => s.sid === "AccountAlarmsEncrypt");
      expect(alarms.principals).toEqual([{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }]);
      expect(alarms.actions).toEqual(expect.arrayContaining(["kms:GenerateDataKey*", "kms:Decrypt"]));
      expect(alarms.condition).toEqual([{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }]);
    }
  });

  test("the topic policy admits only this stack's rule in that region and this account's alarms", () => {
    const attachments = resources(stack, "aws_sns_topic_policy").filter(([, a]) => isAlertTopicRef(a.arn));
    expect(attachments).toHaveLength(3);
    for (const [, attachment] of attachments) {
      const doc = policyDocument(stack, attachment.policy);
      const events = doc.statement.find((s: any) => s.sid === "StackEventRulesPublish");
      expect(events.principals).toEqual([{ type: "Service", identifiers: ["events.amazonaws.com"] }]);
      const ruleRefs: string[] = events.condition[0].values;
      expect(events.condition[0]).toMatchObject({ test: "ArnEquals", variable: "aws:SourceArn" });
      expect(ruleRefs).toHaveLength(1);
      const [, rule] = referenced(stack, ruleRefs[0]);
      expect(rule.provider).toBe(attachment.provider);
      const alarms = doc.statement.find((s: any) => s.sid === "AccountAlarmsPublish");
      expect(alarms.principals).toEqual([{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }]);
      expect(alarms.condition.map((c: any) => c.variable).sort()).toEqual(["aws:SourceAccount", "aws:SourceArn"]);
      expect(doc.statement.find((s: any) => s.sid === "DenyInsecureTransport").effect).toBe("Deny");
    }
  });

  test("no policy hard-codes the aws partition", () => {
    for (const raw of Object.values(out.raw)) expect(raw).not.toMatch(/arn:aws:/);
  });

  test("subscribes each email address in each region, to the alert and to the delivery-health topic", () => {
    const emails = resources(stack, "aws_sns_topic_subscription").filter(([, s]) => s.protocol === "email");
    expect(
      emails
        .filter(([, s]) => isAlertTopicRef(s.topic_arn))
        .map(([, s]) => [s.provider, s.endpoint])
        .sort(),
    ).toEqual(aliases.map((a) => [a, "security@example.com"]).sort());
    expect(emails).toHaveLength(2 * aliases.length);
    for (const [, sub] of emails) expect(referenced(stack, sub.topic_arn)[1].provider).toBe(sub.provider);
  });

  test("Chatbot subscribes to every regional topic from a Chatbot API region with a read-only guardrail", () => {
    const [[, channel]] = resources(stack, "aws_chatbot_slack_channel_configuration");
    expect(channel.provider).toBe("aws.us_east_2");
    expect(channel).toMatchObject({ slack_team_id: "T0123ABCD", slack_channel_id: "C0123ABCD", configuration_name: "acme-alerts" });
    const topics = channel.sns_topic_arns.map((ref: string) => referenced(stack, ref)[1]);
    expect(topics.map((t: any) => t.provider).sort()).toEqual([...aliases, ...aliases].sort());
    expect(topics.map((t: any) => t.name).sort()).toEqual([
      ...regions.map(() => "acme-alerts"),
      ...regions.map(() => "acme-alerts-health"),
    ]);
    expect(channel.guardrail_policy_arns).toEqual([`arn:${partition}:iam::aws:policy/CloudWatchReadOnlyAccess`]);
    const [, role] = referenced(stack, channel.iam_role_arn);
    const trust = policyDocument(stack, role.assume_role_policy);
    expect(trust.statement[0].principals).toEqual([{ type: "Service", identifiers: ["chatbot.amazonaws.com"] }]);
  });

  test("keeps state locally, one file per stack, and requires a Terraform that supports provider 6", () => {
    // Beside cdktf.out, not inside it (stacks/state-location.ts).
    expect(stack.terraform.backend).toEqual({ local: { path: "../../../state/acme.tfstate" } });
    expect(stack.terraform.required_version).toBe(">= 1.5.7");
  });

  test("change detector: the whole synthesized stack (review the diff; assertions above are the checks)", () => {
    expect(stack).toMatchSnapshot();
  });

  test("reads the account and partition once per stack, from the home region", () => {
    expect(dataSources(stack, "aws_caller_identity").map(([, d]) => d.provider)).toEqual(["aws.us_east_1"]);
    expect(dataSources(stack, "aws_partition").map(([, d]) => d.provider)).toEqual(["aws.us_east_1"]);
  });
});

describe("several accounts with assume roles", () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthYaml(`${BASE_YAML}
accounts:
  - name: prod
    id: "111111111111"
    assumeRoleArn: arn:aws:iam::111111111111:role/ThreatAlertsDeploy
  - name: dev
    id: "222222222222"
`);
  });
  afterAll(() => out.cleanup());

  test("synthesizes one stack per account", () => {
    expect(Object.keys(out.stacks).sort()).toEqual(["acme-dev", "acme-prod"]);
  });

  test("every provider of an account assumes its role and refuses other accounts", () => {
    for (const p of out.stacks["acme-prod"].provider.aws) {
      expect(p.assume_role).toEqual([
        { role_arn: "arn:aws:iam::111111111111:role/ThreatAlertsDeploy", session_name: "threat-alerts-acme" },
      ]);
      expect(p.allowed_account_ids).toEqual(["111111111111"]);
    }
    for (const p of out.stacks["acme-dev"].provider.aws) {
      expect(p.assume_role).toBeUndefined();
      expect(p.allowed_account_ids).toEqual(["222222222222"]);
    }
  });

  test("each stack has its own state file", () => {
    expect(out.stacks["acme-prod"].terraform.backend.local.path).toBe("../../../state/acme-prod.tfstate");
    expect(out.stacks["acme-dev"].terraform.backend.local.path).toBe("../../../state/acme-dev.tfstate");
  });

  test("without chatbot, no Chatbot resources and no extra provider", () => {
    expect(out.stacks["acme-prod"].resource.aws_chatbot_slack_channel_configuration).toBeUndefined();
    expect(out.stacks["acme-prod"].provider.aws.map((p) => p.alias)).toEqual(["us_east_1", "eu_west_1"]);
  });
});

describe("regions: all", () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthYaml(BASE_YAML.replace("regions: [us-east-1, eu-west-1]", "regions: all"));
  });
  afterAll(() => out.cleanup());

  test("covers the 17 default regions with one provider and one detector each", () => {
    const stack = out.stacks.acme;
    expect(stack.provider.aws.map((p) => p.region)).toEqual([...DEFAULT_REGIONS]);
    expect(new Set(stack.provider.aws.map((p) => p.alias)).size).toBe(17);
    expect(Object.values(countByProvider(stack, "aws_guardduty_detector"))).toEqual(Array(17).fill(1));
    expect(Object.keys(countByProvider(stack, "aws_sns_topic"))).toHaveLength(17);
  });
});

describe("GuardDuty settings", () => {
  test.each([
    ["CRITICAL", 9],
    ["LOW", 1],
    ["MEDIUM", 4],
    [5.5, 5.5],
  ])("minSeverity %p filters from %p", (severity, floor) => {
    const out = synthYaml(`${BASE_YAML}\nguardduty: { minSeverity: ${severity} }\n`);
    try {
      for (const [, rule] of resources(out.stacks.acme, "aws_cloudwatch_event_rule")) {
        expect(JSON.parse(rule.event_pattern).detail.severity).toEqual([{ numeric: [">=", floor] }]);
      }
    } finally {
      out.cleanup();
    }
  });

  test("a plan turned off is set DISABLED (deleting the resource would leave it on); Runtime Monitoring turned on manages its agents", () => {
    const out = synthYaml(`${BASE_YAML}
guardduty:
  findingPublishingFrequency: ONE_HOUR
  features: { s3DataEvents: false, runtimeMonitoring: true }
`);
    try {
      const features = resources(out.stacks.acme, "aws_guardduty_detector_feature").filter(([, f]) => f.provider === "aws.us_east_1");
      const byName = Object.fromEntries(features.map(([, f]) => [f.name, f]));
      expect(byName.S3_DATA_EVENTS.status).toBe("DISABLED");
      expect(byName.RUNTIME_MONITORING.status).toBe("ENABLED");
      expect(byName.RUNTIME_MONITORING.additional_configuration.map((a: any) => a.name).sort()).toEqual([
        "EC2_AGENT_MANAGEMENT",
        "ECS_FARGATE_AGENT_MANAGEMENT",
        "EKS_ADDON_MANAGEMENT",
      ]);
      expect(byName.EKS_RUNTIME_MONITORING).toBeUndefined();
      expect(resources(out.stacks.acme, "aws_guardduty_detector")[0][1].finding_publishing_frequency).toBe("ONE_HOUR");
    } finally {
      out.cleanup();
    }
  });
});

test("manageDetector: false alerts on an existing detector's findings without creating one", () => {
  const out = synthYaml(`${BASE_YAML}\nguardduty: { manageDetector: false }\n`);
  try {
    const stack = out.stacks.acme;
    expect(resources(stack, "aws_guardduty_detector")).toHaveLength(0);
    expect(resources(stack, "aws_guardduty_detector_feature")).toHaveLength(0);
    expect(Object.values(countByProvider(stack, "aws_cloudwatch_event_rule"))).toEqual([1, 1]);
  } finally {
    out.cleanup();
  }
});

describe("Chatbot placement and guardrails", () => {
  test.each([
    ["eu-west-1", "eu_west_1"],
    ["eu-central-1", "eu_west_1"],
    ["ap-northeast-1", "ap_southeast_1"],
    ["us-west-1", "us_west_2"],
  ])("home region %s uses the Chatbot API in %s", (home, alias) => {
    const out = synthYaml(`
project: acme
homeRegion: ${home}
regions: [${home}]
notifications:
  chatbot: { slackTeamId: T0123ABCD, slackChannelId: C0123ABCD, guardrailPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }
`);
    try {
      const [[, channel]] = resources(out.stacks.acme, "aws_chatbot_slack_channel_configuration");
      expect(channel.provider).toBe(`aws.${alias}`);
      expect(channel.guardrail_policy_arns).toEqual(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    } finally {
      out.cleanup();
    }
  });
});
