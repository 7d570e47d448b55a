/**
 * The Terraform outputs of an account stack: what reviewers, scripts and other stacks read with
 * `terraform output` (or `cdktf output <stack>`). The names are a contract, documented in
 * README "Stack outputs"; add new ones, never rename one.
 */
import { TerraformOutput, type TerraformStack } from "cdktf";

/** Output name -> what it holds. Maps are keyed by region code (`us-east-1`). */
export const OUTPUT_NAMES = {
  alertTopicArns: "alert_topic_arns",
  guardDutyDetectorIds: "guardduty_detector_ids",
  notifierFunctionArn: "notifier_function_arn",
  cloudTrailTrailArn: "cloudtrail_trail_arn",
  cloudTrailLogGroupName: "cloudtrail_log_group_name",
} as const;

export interface StackOutputsProps {
  /** Region -> the alert topic's ARN. */
  readonly alertTopicArns: Readonly<Record<string, string>>;
  /** Region -> the detector id, for the regions whose detector this stack manages. @default none */
  readonly guardDutyDetectorIds?: Readonly<Record<string, string>>;
  /** @default no output (no Slack notifier) */
  readonly notifierFunctionArn?: string;
  /** The trail this stack created. @default no outputs (no trail created) */
  readonly trail?: { readonly arn: string; readonly logGroupName: string };
}

export function addStackOutputs(stack: TerraformStack, props: StackOutputsProps): void {
  const output = (name: string, value: unknown, description: string) => {
    // A fixed logical id: the output's name never depends on the construct tree.
    new TerraformOutput(stack, `output-${name}`, { value, description }).overrideLogicalId(name);
  };
  output(OUTPUT_NAMES.alertTopicArns, props.alertTopicArns, "threat-alerts: the alert SNS topic ARN, by region");
  const detectors = props.guardDutyDetectorIds ?? {};
  if (Object.keys(detectors).length > 0)
    output(OUTPUT_NAMES.guardDutyDetectorIds, detectors, "threat-alerts: the GuardDuty detector id this stack manages, by region");
  if (props.notifierFunctionArn)
    output(OUTPUT_NAMES.notifierFunctionArn, props.notifierFunctionArn, "threat-alerts: the Slack notifier Lambda function ARN");
  if (props.trail) {
    output(OUTPUT_NAMES.cloudTrailTrailArn, props.trail.arn, "threat-alerts: the CloudTrail trail this stack created");
    output(OUTPUT_NAMES.cloudTrailLogGroupName, props.trail.logGroupName, "threat-alerts: the CloudWatch log group the trail writes to");
  }
}
