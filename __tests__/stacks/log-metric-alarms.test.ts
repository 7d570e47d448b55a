import { parseConfig } from "../../config/load";
import { LOG_METRICS_NAMESPACE } from "../../detection/log-alarms";
import { checkRules } from "../../stacks/rules";
import { checkAgainstSchema } from "../helpers/schema-check";
import { referenced, resources, synthConfig, type Synthesized, type TfJson } from "../helpers/synth";

/** The CloudTrail alarms (the delivery alarms of the alert path are tested in delivery.test.ts). */
const logAlarms = (stack: TfJson) =>
  resources(stack, "aws_cloudwatch_metric_alarm").filter(([, a]) => a.namespace === LOG_METRICS_NAMESPACE);

const YAML = `
project: acme
homeRegion: us-east-1
regions: [us-east-1, eu-west-1]
notifications: { emails: [security@example.com] }
cloudtrail:
  logGroup: { name: aws-cloudtrail-logs, region: eu-west-1 }
  consoleLogin: { allowedIps: ["203.0.113.10", "198.51.100.*", "192.0.2.0/24"] }
  alarms: { VpcChanges: { enabled: false }, UnauthorizedApiCalls: { threshold: 5, periodSec: 600 } }
`;

describe("CloudTrail metric-filter alarms on an existing trail's log group", () => {
  const config = parseConfig(YAML);
  let out: Synthesized;
  let stack: TfJson;
  beforeAll(() => {
    out = synthConfig(config);
    stack = out.stacks.acme;
  });
  afterAll(() => out.cleanup());

  test("build one metric filter and one alarm per enabled alarm, in the log group's region", () => {
    const filters = resources(stack, "aws_cloudwatch_log_metric_filter").map(([, f]) => f);
    const alarms = logAlarms(stack).map(([, a]) => a);
    // 14 CIS CloudWatch controls + CIS 4.15 + the allow-list alarm, less VpcChanges.
    expect(filters).toHaveLength(15);
    expect(alarms).toHaveLength(15);
    expect(alarms.map((a) => a.alarm_name)).not.toContain("acme-VpcChanges");
    for (const f of filters) expect(f).toMatchObject({ provider: "aws.eu_west_1", log_group_name: "aws-cloudtrail-logs" });
    for (const a of alarms) expect(a.provider).toBe("aws.eu_west_1");
  });

  test("each filter carries its spec's exact pattern and metric, and each alarm its meaning", () => {
    const filters = Object.fromEntries(resources(stack, "aws_cloudwatch_log_metric_filter").map(([, f]) => [f.name, f]));
    const alarms = Object.fromEntries(logAlarms(stack).map(([, a]) => [a.alarm_name, a]));
    for (const spec of config.logAlarms!.specs) {
      const name = `acme-${spec.name}`;
      expect(filters[name].pattern).toBe(spec.filterPattern);
      expect(filters[name].metric_transformation).toEqual({ name: spec.metricName, namespace: LOG_METRICS_NAMESPACE, value: "1" });
      expect(alarms[name]).toMatchObject({
        alarm_description: spec.description,
        metric_name: spec.metricName,
        namespace: LOG_METRICS_NAMESPACE,
        statistic: "Sum",
        threshold: spec.threshold,
        period: spec.periodSec,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        treat_missing_data: "notBreaching",
      });
    }
    expect(alarms["acme-UnauthorizedApiCalls"]).toMatchObject({ threshold: 5, period: 600 });
  });

  test("alarms publish to the log group region's alert topic", () => {
    expect(logAlarms(stack)).toHaveLength(15);
    for (const [, a] of logAlarms(stack)) {
      expect(a.alarm_actions).toHaveLength(1);
      const [, topic] = referenced(stack, a.alarm_actions[0]);
      expect(topic.provider).toBe("aws.eu_west_1");
    }
  });

  test("the allow-list alarm watches successful console logins from outside the list", () => {
    const [, f] = resources(stack, "aws_cloudwatch_log_metric_filter").find(([, f]) => f.name === "acme-ConsoleLoginOutsideAllowList")!;
    expect(f.pattern).toContain('$.sourceIPAddress != "203.0.113.10"');
    expect(f.pattern).toContain('$.sourceIPAddress != "192.0.2.*"');
  });

  test("the stack matches the provider schema", () => {
    expect(checkAgainstSchema(stack)).toEqual([]);
  });
});

test("cisAlarms: off and no consoleLogin builds no alarms", () => {
  const out = synthConfig(parseConfig(YAML.replace(/  consoleLogin.*\n/, "").replace("  alarms:", "  cisAlarms: off\n  alarms:")));
  try {
    expect(logAlarms(out.stacks.acme)).toHaveLength(0);
  } finally {
    out.cleanup();
  }
});

describe("with createTrail: true", () => {
  let out: Synthesized;
  let stack: TfJson;
  beforeAll(() => {
    out = synthConfig(
      parseConfig(`
project: acme
homeRegion: eu-west-1
regions: [us-east-1, eu-west-1]
notifications: { emails: [security@example.com] }
cloudtrail: { createTrail: true, consoleLogin: { allowedIps: ["203.0.113.10"] } }
`),
    );
    stack = out.stacks.acme;
  });
  afterAll(() => out.cleanup());

  test("creates one multi-region trail in the home region and filters its own log group", () => {
    const trails = resources(stack, "aws_cloudtrail").map(([, t]) => t);
    expect(trails).toHaveLength(1);
    expect(trails[0]).toMatchObject({ provider: "aws.eu_west_1", is_multi_region_trail: true, enable_log_file_validation: true });
    const [logGroupName] = resources(stack, "aws_cloudwatch_log_group").map(([name]) => name);
    expect(resources(stack, "aws_cloudwatch_log_group")).toHaveLength(1);
    for (const [, f] of resources(stack, "aws_cloudwatch_log_metric_filter")) {
      expect(f.log_group_name).toBe(`\${aws_cloudwatch_log_group.${logGroupName}.name}`);
      expect(f.provider).toBe("aws.eu_west_1");
    }
    expect(logAlarms(stack)).toHaveLength(16);
  });

  test("the stack matches the provider schema and passes the rule pack", () => {
    expect(checkAgainstSchema(stack)).toEqual([]);
    expect(checkRules(stack).violations).toEqual([]);
  });
});
