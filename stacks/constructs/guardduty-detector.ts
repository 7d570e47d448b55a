/**
 * A region's GuardDuty detector and its protection plans, one `aws_guardduty_detector_feature`
 * each (the detector's `datasources` block is deprecated).
 * https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfiguration.html
 */
import { Construct } from "constructs";
import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector";
import { GuarddutyDetectorFeature } from "@cdktf/provider-aws/lib/guardduty-detector-feature";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { GuardDutyFeatures } from "../../config/schema";

export interface GuardDutyDetectorProps {
  readonly provider: AwsProvider;
  readonly findingPublishingFrequency: string;
  /** Protection plans by config name; true enables, false disables. */
  readonly features: GuardDutyFeatures;
}

/** Config name -> GuardDuty feature name, and the agent management a plan needs to be useful. */
export const FEATURES: Record<keyof GuardDutyFeatures, { name: string; additional?: string[] }> = {
  s3DataEvents: { name: "S3_DATA_EVENTS" },
  eksAuditLogs: { name: "EKS_AUDIT_LOGS" },
  ebsMalwareProtection: { name: "EBS_MALWARE_PROTECTION" },
  rdsLoginEvents: { name: "RDS_LOGIN_EVENTS" },
  lambdaNetworkLogs: { name: "LAMBDA_NETWORK_LOGS" },
  // RUNTIME_MONITORING supersedes EKS_RUNTIME_MONITORING (setting both is an API error); without
  // automated agent management it detects nothing until agents are installed by hand.
  runtimeMonitoring: {
    name: "RUNTIME_MONITORING",
    additional: ["EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"],
  },
};

export class GuardDutyDetector extends Construct {
  readonly detector: GuarddutyDetector;

  constructor(scope: Construct, id: string, props: GuardDutyDetectorProps) {
    super(scope, id);
    const { provider } = props;
    this.detector = new GuarddutyDetector(this, "detector", {
      provider,
      enable: true,
      findingPublishingFrequency: props.findingPublishingFrequency,
    });
    for (const [key, feature] of Object.entries(FEATURES) as [keyof GuardDutyFeatures, (typeof FEATURES)[keyof GuardDutyFeatures]][]) {
      // Every plan is managed, on or off: deleting a feature resource does not turn the plan off
      // in AWS (the provider only forgets it), and GuardDuty turns most plans on in new detectors.
      // https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/resources/guardduty_detector_feature
      const status = props.features[key] ? "ENABLED" : "DISABLED";
      new GuarddutyDetectorFeature(this, key, {
        provider,
        detectorId: this.detector.id,
        name: feature.name,
        status,
        additionalConfiguration: feature.additional?.map((name) => ({ name, status })),
      });
    }
  }
}
