/**
 * CloudTrail metric filters on a CloudWatch Logs group, each with an alarm that publishes to the
 * region's alert topic (whose key policy already lets CloudWatch use it). The patterns, thresholds
 * and descriptions come from detection/log-alarms.ts; docs/cloudtrail-alarms.md lists them.
 */
import { Construct } from "constructs";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { names } from "../../config/names";
import type { LogAlarmSpec } from "../../detection/log-alarms";
import type { AlertTopic } from "./alert-topic";

export interface LogMetricAlarmsProps {
  /** The provider of the log group's region: alarms can only notify topics in their own region. */
  readonly provider: AwsProvider;
  /** The config's `project`: prefixes the filter and alarm names. */
  readonly project: string;
  /** The CloudTrail log group to filter. */
  readonly logGroupName: string;
  /** One metric filter and alarm each (detection/log-alarms.ts). */
  readonly specs: readonly LogAlarmSpec[];
  /** The alert topic of the log group's region. */
  readonly topic: AlertTopic;
}

export class LogMetricAlarms extends Construct {
  readonly alarms: readonly CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: LogMetricAlarmsProps) {
    super(scope, id);
    const { provider, project } = props;
    this.alarms = props.specs.map((spec) => {
      // Ids are the alarm names: adding or removing one alarm never replaces another.
      const filter = new CloudwatchLogMetricFilter(this, `${spec.name}-filter`, {
        provider,
        name: names.logAlarm(project, spec.name),
        logGroupName: props.logGroupName,
        pattern: spec.filterPattern,
        metricTransformation: { name: spec.metricName, namespace: spec.namespace, value: "1" },
      });
      return new CloudwatchMetricAlarm(this, `${spec.name}-alarm`, {
        provider,
        alarmName: names.logAlarm(project, spec.name),
        alarmDescription: spec.description,
        namespace: spec.namespace,
        metricName: spec.metricName,
        statistic: "Sum",
        period: spec.periodSec,
        evaluationPeriods: spec.evaluationPeriods,
        threshold: spec.threshold,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        // No log events means nothing happened, not that the alarm is broken.
        treatMissingData: "notBreaching",
        alarmActions: [props.topic.topic.arn],
        dependsOn: [filter],
      });
    });
  }
}
