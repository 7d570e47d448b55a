/**
 * The Slack notifier's alarms (issue 8: "alarm on what was lost, not on retries"), read from the
 * synthesized JSON of the bundled example config.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { METRIC_DIMENSION, METRIC_NAMESPACE, NOTIFIER_METRICS } from "../../lambda-src/metrics";
import { referenced, resources, synthYaml, type Synthesized, type TfJson } from "../helpers/synth";

const EXAMPLE = readFileSync(join(__dirname, "..", "..", "threat-alerts.yaml"), "utf8");

/** Sum > 0 over one 5-minute period, missing data not breaching. */
const ANY_IN_FIVE_MINUTES = {
  statistic: "Sum",
  period: 300,
  evaluation_periods: 1,
  threshold: 0,
  comparison_operator: "GreaterThanThreshold",
  treat_missing_data: "notBreaching",
};

describe("the notifier's alarms", () => {
  let out: Synthesized;
  let stack: TfJson;
  let functionNameRef: string;
  const alarm = (id: string): Record<string, any> => {
    const found = resources(stack, "aws_cloudwatch_metric_alarm").filter(([name]) => name.startsWith(`slack-notifier_${id}_`));
    expect(found).toHaveLength(1);
    return found[0][1];
  };

  beforeAll(() => {
    out = synthYaml(EXAMPLE);
    stack = out.stacks.acme;
    const [fn] = resources(stack, "aws_lambda_function");
    functionNameRef = `\${aws_lambda_function.${fn[0]}.function_name}`;
  });
  afterAll(() => out.cleanup());

  test("every notifier alarm publishes to the home region's delivery-health topic, and only there", () => {
    const notifierAlarms = resources(stack, "aws_cloudwatch_metric_alarm").filter(
      ([name]) => name.startsWith("slack-notifier_") && !name.startsWith("slack-notifier_dlq-"),
    );
    expect(notifierAlarms.map(([name]) => name.replace(/^slack-notifier_(.*)_[0-9A-F]{8}$/, "$1")).sort()).toEqual([
      "destination-failures-alarm",
      "dropped-alarm",
      "errors-alarm",
      "failures-alarm",
      "plain-text-alarm",
      "routing-failed-alarm",
      "settings-alarm",
    ]);
    for (const [, a] of notifierAlarms) {
      expect(a.provider).toBe("aws.us_east_1");
      expect(a.alarm_actions).toHaveLength(1);
      const [, topic] = referenced(stack, a.alarm_actions[0]);
      expect(topic.name).toBe("acme-alerts-health");
      expect(topic.provider).toBe("aws.us_east_1");
    }
  });

  test("Errors pages only when sustained: 3 of 3 five-minute periods, saying retries may still deliver", () => {
    const a = alarm("errors-alarm");
    expect(a).toMatchObject({
      namespace: "AWS/Lambda",
      metric_name: "Errors",
      dimensions: { FunctionName: functionNameRef },
      statistic: "Sum",
      period: 300,
      evaluation_periods: 3,
      datapoints_to_alarm: 3,
      threshold: 0,
      comparison_operator: "GreaterThanThreshold",
      treat_missing_data: "notBreaching",
    });
    expect(a.alarm_description).toMatch(/retries may still deliver/);
  });

  test.each([
    ["destination-failures-alarm", "DestinationDeliveryFailures"],
    ["dropped-alarm", "AsyncEventsDropped"],
  ])("%s: AWS/Lambda %s Sum > 0 in 5 minutes (lost, or lost without a record)", (id, metric) => {
    expect(alarm(id)).toMatchObject({
      namespace: "AWS/Lambda",
      metric_name: metric,
      dimensions: { FunctionName: functionNameRef },
      ...ANY_IN_FIVE_MINUTES,
    });
  });

  test.each([
    ["routing-failed-alarm", NOTIFIER_METRICS.RoutingFailed],
    ["plain-text-alarm", NOTIFIER_METRICS.PlainTextFallback],
    ["settings-alarm", NOTIFIER_METRICS.SettingsProblems],
  ])("%s: delivered but degraded, on the notifier's own %s metric", (id, metric) => {
    const a = alarm(id);
    expect(a).toMatchObject({
      namespace: METRIC_NAMESPACE,
      metric_name: metric,
      dimensions: { [METRIC_DIMENSION]: functionNameRef },
      ...ANY_IN_FIVE_MINUTES,
    });
    // Literal names too: the shared constants must still be what the README documents.
    expect([METRIC_NAMESPACE, METRIC_DIMENSION]).toEqual(["ThreatAlerts/Notifier", "FunctionName"]);
    expect(a.alarm_description).toMatch(/^Alerts reached Slack, degraded/);
  });

  test("the failures-queue alarm (what was lost) is unchanged: visible messages > 0", () => {
    const a = alarm("failures-alarm");
    expect(a).toMatchObject({
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      statistic: "Maximum",
      threshold: 0,
    });
    expect(referenced(stack, a.dimensions.QueueName)[1].name).toBe("acme-slack-notifier-failures");
  });
});
