/**
 * A region's GuardDuty detector, whoever owns it. Constructs that need the detector (the findings
 * export, suppression filters, organization mode) take an `IDetector`, never the config:
 *
 * - create: this stack creates the detector and manages every protection plan;
 * - adopt: the same resources, plus a Terraform `import` block, so the first plan imports the
 *   region's existing detector instead of failing with "a detector already exists";
 * - external: someone else (an organization's delegated administrator) manages it; the stack
 *   only looks it up when a construct asks for its id.
 *
 * Protection plans are one `aws_guardduty_detector_feature` each (the detector's `datasources`
 * block is deprecated).
 * https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfiguration.html
 */
import { Construct } from "constructs";
import { DataAwsGuarddutyDetector } from "@cdktf/provider-aws/lib/data-aws-guardduty-detector";
import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector";
import { GuarddutyDetectorFeature } from "@cdktf/provider-aws/lib/guardduty-detector-feature";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { FindingPublishingFrequency, GuardDutyFeatures } from "../../config/schema";
import { planAvailableIn } from "../../detection/guardduty-plans";
import { importWithoutBinaryCheck } from "../import-without-binary-check";

/** What other constructs need from a region's detector, whoever owns it. */
export interface IDetector {
  /** The detector id (a token). */
  readonly detectorId: string;
  /** create: this stack creates it; adopt: created in config, imported from AWS on first plan; external: looked up, someone else manages it. */
  readonly source: "create" | "adopt" | "external";
  /** True when this stack manages the detector and its plans (create or adopt). */
  readonly owned: boolean;
}

/** How this stack manages a detector it owns. */
export interface DetectorSettings {
  /** How often GuardDuty publishes updates of existing findings to EventBridge. */
  readonly findingPublishingFrequency: FindingPublishingFrequency;
  /** Protection plans by config name; true enables, false disables. */
  readonly features: GuardDutyFeatures;
}

/** Where a region's detector comes from, as `AccountStack` decides it from the config. */
export type DetectorSource =
  | { readonly type: "create"; readonly settings: DetectorSettings }
  | {
      readonly type: "adopt";
      /** The existing detector's id (32 lowercase hex characters), from `guardduty.existingDetectors`. */
      readonly detectorId: string;
      readonly settings: DetectorSettings;
    }
  | { readonly type: "external" };

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

export interface GuardDutyDetectorProps extends DetectorSettings {
  /** The region's provider: the detector and its plans live there. */
  readonly provider: AwsProvider;
  /**
   * The id of the region's existing detector to adopt: Terraform imports it on the first plan,
   * then manages it and its plans like a created one.
   * @default undefined: create a new detector
   */
  readonly adoptDetectorId?: string;
}

/** A detector this stack owns: created, or adopted (created in config, imported on the first plan). */
export class GuardDutyDetector extends Construct implements IDetector {
  readonly detector: GuarddutyDetector;
  readonly detectorId: string;
  readonly source: "create" | "adopt";
  readonly owned = true;

  constructor(scope: Construct, id: string, props: GuardDutyDetectorProps) {
    super(scope, id);
    const { provider } = props;
    this.source = props.adoptDetectorId === undefined ? "create" : "adopt";
    this.detector = new GuarddutyDetector(this, "detector", {
      provider,
      enable: true,
      findingPublishingFrequency: props.findingPublishingFrequency,
    });
    if (props.adoptDetectorId !== undefined) importWithoutBinaryCheck(this.detector, props.adoptDetectorId, provider);
    this.detectorId = this.detector.id;
    for (const [key, feature] of Object.entries(FEATURES) as [keyof GuardDutyFeatures, (typeof FEATURES)[keyof GuardDutyFeatures]][]) {
      // A plan the region lacks cannot be set either way (detection/guardduty-plans.ts).
      if (provider.region && !planAvailableIn(feature.name, provider.region)) continue;
      // Every plan is managed, on or off: deleting a feature resource does not turn the plan off
      // in AWS (the provider only forgets it), and GuardDuty turns most plans on in new detectors.
      // An adopted detector needs no import here: a feature resource's create is an
      // UpdateDetector call, which sets the plan whatever it was.
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

export interface ExternalDetectorProps {
  /** The region's provider, for the lookup. */
  readonly provider: AwsProvider;
}

/**
 * A detector someone else manages (`manageDetector: false`). The `data "aws_guardduty_detector"`
 * lookup is declared only when a construct reads `detectorId`: a stack that only alerts on
 * findings needs no id, and a lookup fails the plan in a region that has no detector.
 */
export class ExternalDetector extends Construct implements IDetector {
  readonly source = "external" as const;
  readonly owned = false;
  private readonly provider: AwsProvider;
  private lookup?: DataAwsGuarddutyDetector;

  constructor(scope: Construct, id: string, props: ExternalDetectorProps) {
    super(scope, id);
    this.provider = props.provider;
  }

  get detectorId(): string {
    // Without an id, the data source reads the region's one detector.
    // https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/data-sources/guardduty_detector
    this.lookup ??= new DataAwsGuarddutyDetector(this, "lookup", { provider: this.provider });
    return this.lookup.id;
  }
}

/** The region's detector as the config describes it. */
export function regionDetector(scope: Construct, id: string, provider: AwsProvider, source: DetectorSource): IDetector {
  switch (source.type) {
    case "create":
      return new GuardDutyDetector(scope, id, { provider, ...source.settings });
    case "adopt":
      return new GuardDutyDetector(scope, id, { provider, ...source.settings, adoptDetectorId: source.detectorId });
    case "external":
      return new ExternalDetector(scope, id, { provider });
  }
}
