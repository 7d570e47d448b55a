import { CHATBOT_TOPIC_REGIONS, DEFAULT_REGIONS, OPT_IN_REGIONS, snsToLambda } from "../../config/regions";
import { parseConfig } from "../../config/load";
import { PLAN_UNAVAILABLE_IN, planAvailableIn } from "../../detection/guardduty-plans";
import { skippedPlanNotes } from "../../stacks/guardduty-plan-notes";
import { checkAgainstSchema } from "../helpers/schema-check";
import { resources, synthYaml, type Synthesized, type TfJson } from "../helpers/synth";

/** Home in a default region; topics in a default region, two opt-in regions, and the regions Chatbot and RDS Protection skip. */
const MIXED = `
project: acme
homeRegion: eu-west-1
regions: [eu-west-1, us-east-1, me-central-1, af-south-1, ap-east-2]
notifications:
  emails: [security@example.com]
  chatbot: { slackTeamId: T0123ABCD, slackChannelId: C0123ABCD }
  slack: { webhookParameter: /threat-alerts/slack-webhook }
cloudtrail: { createTrail: true }
`;

describe("SNS to Lambda across regions (SNS developer guide, Lambda prerequisites)", () => {
  test.each([
    ["us-east-1", "us-east-1", { principal: "sns.amazonaws.com" }],
    ["us-east-1", "eu-west-1", { principal: "sns.amazonaws.com" }],
    ["me-central-1", "eu-west-1", { principal: "sns.me-central-1.amazonaws.com" }],
    ["ap-east-1", "us-east-1", { principal: "sns.ap-east-1.amazonaws.com" }],
  ])("a topic in %s invoking a function in %s uses %j", (topic, fn, expected) => {
    expect(snsToLambda(topic, fn)).toEqual(expected);
  });

  test.each([
    ["us-east-1", "me-central-1", /default region to a Lambda function in an opt-in region/],
    ["af-south-1", "me-central-1", /between two opt-in regions/],
  ])("a topic in %s cannot deliver to a function in %s", (topic, fn, why) => {
    const r = snsToLambda(topic, fn);
    expect("unsupported" in r && r.unsupported).toMatch(why);
  });
});

describe("Chatbot's topic regions", () => {
  test("are the 17 default regions and every opt-in region but ap-east-2 and ap-southeast-6", () => {
    expect(DEFAULT_REGIONS.every((r) => CHATBOT_TOPIC_REGIONS.has(r))).toBe(true);
    expect(OPT_IN_REGIONS.filter((r) => !CHATBOT_TOPIC_REGIONS.has(r))).toEqual(["ap-east-2", "ap-southeast-6"]);
  });
});

describe("the GuardDuty plan availability table", () => {
  test("RDS Protection is missing in ap-east-2 and present elsewhere; unlisted plans exist everywhere", () => {
    expect(planAvailableIn("RDS_LOGIN_EVENTS", "ap-east-2")).toBe(false);
    expect(planAvailableIn("RDS_LOGIN_EVENTS", "us-east-1")).toBe(true);
    expect(planAvailableIn("S3_DATA_EVENTS", "ap-east-2")).toBe(true);
  });

  test("a plan missing in a region is a note naming the plan and the region, only when the plan is on and the detector managed", () => {
    const config = (guardduty: string) =>
      parseConfig(
        `project: acme\nhomeRegion: us-east-1\nregions: [us-east-1, ap-east-2]\nnotifications: { emails: [a@example.com] }\nguardduty: ${guardduty}\n`,
      );
    expect(skippedPlanNotes(config("{ features: { rdsLoginEvents: true } }"))).toEqual([
      expect.stringMatching(/^guardduty\.features\.rdsLoginEvents: GuardDuty does not offer RDS_LOGIN_EVENTS in ap-east-2; skipped there/),
    ]);
    expect(skippedPlanNotes(config("{ features: { rdsLoginEvents: false } }"))).toEqual([]);
    expect(skippedPlanNotes(config("{ manageDetector: false }"))).toEqual([]);
    expect(skippedPlanNotes({ ...config("{}"), regions: ["us-east-1"] })).toEqual([]);
  });

  test("lists only known regions, each once", () => {
    const known = new Set<string>([...DEFAULT_REGIONS, ...OPT_IN_REGIONS]);
    for (const [feature, regions] of Object.entries(PLAN_UNAVAILABLE_IN)) {
      expect({ feature, unknown: regions.filter((r) => !known.has(r)) }).toEqual({ feature, unknown: [] });
      expect(new Set(regions).size).toBe(regions.length);
    }
  });
});

describe("a stack across default and opt-in regions", () => {
  let out: Synthesized;
  let stack: TfJson;
  beforeAll(() => {
    out = synthYaml(MIXED);
    stack = out.stacks.acme;
  });
  afterAll(() => out.cleanup());

  const topicOf = (region: string) => `\${aws_sns_topic.${region.replace(/-/g, "_")}_alerts_topic_`;

  test("each topic's Lambda permission uses the principal its region needs", () => {
    // The delivery-health topics (constructs/health-topic.ts) have their own permissions, same principals.
    const permissions = resources(stack, "aws_lambda_permission").filter(([, p]) => !p.statement_id.startsWith("sns-health-"));
    const health = resources(stack, "aws_lambda_permission").filter(([, p]) => p.statement_id.startsWith("sns-health-"));
    expect(Object.fromEntries(health.map(([, p]) => [p.statement_id.replace("sns-health-", "sns-"), p.principal]))).toEqual(
      Object.fromEntries(permissions.map(([, p]) => [p.statement_id, p.principal])),
    );
    const byRegion = Object.fromEntries(permissions.map(([, p]) => [p.statement_id, p.principal]));
    expect(byRegion).toEqual({
      "sns-eu-west-1": "sns.amazonaws.com",
      "sns-us-east-1": "sns.amazonaws.com",
      "sns-me-central-1": "sns.me-central-1.amazonaws.com",
      "sns-af-south-1": "sns.af-south-1.amazonaws.com",
      "sns-ap-east-2": "sns.ap-east-2.amazonaws.com",
    });
    for (const [, p] of permissions) {
      expect(p.source_arn.startsWith(topicOf(p.statement_id.slice("sns-".length)))).toBe(true);
    }
  });

  test("Chatbot subscribes every topic but the one in ap-east-2", () => {
    const [[, channel]] = resources(stack, "aws_chatbot_slack_channel_configuration");
    // Each region's alert topic and delivery-health topic.
    const subscribed = (channel.sns_topic_arns as string[]).map(
      (arn) => /aws_sns_topic\.([a-z0-9_]+?)_alerts_(?:health_)?topic_/.exec(arn)![1],
    );
    expect(subscribed.sort()).toEqual([
      "af_south_1",
      "af_south_1",
      "eu_west_1",
      "eu_west_1",
      "me_central_1",
      "me_central_1",
      "us_east_1",
      "us_east_1",
    ]);
  });

  test("RDS Protection gets no feature resource in ap-east-2; every other plan does", () => {
    const features = resources(stack, "aws_guardduty_detector_feature").map(([, f]) => [f.provider, f.name]);
    expect(
      features
        .filter(([p]) => p === "aws.ap_east_2")
        .map(([, n]) => n)
        .sort(),
    ).toEqual(["EBS_MALWARE_PROTECTION", "EKS_AUDIT_LOGS", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING", "S3_DATA_EVENTS"]);
    expect(features.filter(([p, n]) => p === "aws.me_central_1" && n === "RDS_LOGIN_EVENTS")).toHaveLength(1);
  });

  test("outputs the topic ARN and detector id per region, the notifier, the trail and its log group, under stable names", () => {
    const o = (stack as any).output as Record<string, { value: any; description: string }>;
    expect(Object.keys(o).sort()).toEqual([
      "alert_topic_arns",
      "cloudtrail_log_group_name",
      "cloudtrail_trail_arn",
      "guardduty_detector_ids",
      "notifier_function_arn",
    ]);
    const regions = ["eu-west-1", "us-east-1", "me-central-1", "af-south-1", "ap-east-2"];
    expect(Object.keys(o.alert_topic_arns.value).sort()).toEqual([...regions].sort());
    for (const r of regions) {
      expect(o.alert_topic_arns.value[r].startsWith(topicOf(r))).toBe(true);
      expect(o.guardduty_detector_ids.value[r]).toMatch(
        new RegExp(`^\\$\\{aws_guardduty_detector\\.${r.replace(/-/g, "_")}_guardduty_detector_[^.]+\\.id\\}$`),
      );
    }
    expect(o.notifier_function_arn.value).toMatch(/^\$\{aws_lambda_function\.slack-notifier_function_[^.]+\.arn\}$/);
    expect(o.cloudtrail_trail_arn.value).toMatch(/^\$\{aws_cloudtrail\.[^.]+\.arn\}$/);
    expect(o.cloudtrail_log_group_name.value).toMatch(/^\$\{aws_cloudwatch_log_group\.cloudtrail_[^.]+\.name\}$/);
  });

  test("passes the provider schema check", () => {
    expect(checkAgainstSchema(stack)).toEqual([]);
  });
});

test("without the notifier, a trail or a managed detector, only the topic ARNs are output", () => {
  const out = synthYaml(
    "project: acme\nhomeRegion: us-east-1\nregions: [us-east-1]\nguardduty: { manageDetector: false }\nnotifications: { emails: [security@example.com] }\n",
  );
  try {
    expect(Object.keys((out.stacks.acme as any).output)).toEqual(["alert_topic_arns"]);
  } finally {
    out.cleanup();
  }
});
