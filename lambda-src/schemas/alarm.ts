import * as z from "zod/mini";
import { lenient, str } from "./common";

const State = z.looseObject({ value: str, reason: str, timestamp: str });

const Metric = z.looseObject({
  id: str,
  expression: str,
  label: str,
  metricStat: lenient(z.looseObject({ metric: lenient(z.looseObject({ namespace: str, name: str })) })),
});

/**
 * `detail` of "CloudWatch Alarm State Change", and `alarmData` of a direct Lambda alarm action.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 */
export const AlarmStateChangeSchema = z.looseObject({
  alarmName: z.string(),
  state: z.looseObject({ value: z.string(), reason: str, timestamp: str }),
  previousState: lenient(State),
  configuration: lenient(z.looseObject({ description: str, alarmRule: str, metrics: lenient(z.array(Metric)) })),
});
export type AlarmStateChange = z.infer<typeof AlarmStateChangeSchema>;

/** Direct Lambda alarm action payload (not EventBridge, not SNS). */
export const AlarmLambdaActionSchema = z.looseObject({
  source: z.literal("aws.cloudwatch"),
  alarmArn: str,
  accountId: str,
  region: str,
  time: str,
  alarmData: AlarmStateChangeSchema,
});

/**
 * The JSON an alarm publishes to SNS. `Region` is a display name ("US East (N. Virginia)"), not a code.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 */
export const AlarmSnsMessageSchema = z.looseObject({
  AlarmName: z.string(),
  NewStateValue: z.string(),
  AlarmDescription: lenient(z.nullable(z.string())),
  NewStateReason: str,
  OldStateValue: str,
  StateChangeTime: str,
  Region: str,
  AlarmArn: str,
  AWSAccountId: str,
  Trigger: lenient(
    z.looseObject({
      MetricName: str,
      Namespace: str,
      Metrics: lenient(
        z.array(
          z.looseObject({
            Expression: str,
            Label: str,
            MetricStat: lenient(z.looseObject({ Metric: lenient(z.looseObject({ MetricName: str, Namespace: str })) })),
          }),
        ),
      ),
    }),
  ),
});
export type AlarmSnsMessage = z.infer<typeof AlarmSnsMessageSchema>;
