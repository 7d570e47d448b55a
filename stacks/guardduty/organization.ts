/**
 * Organization mode, in the delegated administrator's stack, per region: which members GuardDuty
 * enables (`aws_guardduty_organization_configuration`) and which protection plans they get, one
 * `aws_guardduty_organization_configuration_feature` per plan the region offers.
 * https://docs.aws.amazon.com/guardduty/latest/ug/set-guardduty-auto-enable-preferences.html
 */
import { Construct } from "constructs";
import { DataAwsGuarddutyDetector } from "@cdktf/provider-aws/lib/data-aws-guardduty-detector";
import { GuarddutyOrganizationConfiguration } from "@cdktf/provider-aws/lib/guardduty-organization-configuration";
import { GuarddutyOrganizationConfigurationFeature } from "@cdktf/provider-aws/lib/guardduty-organization-configuration-feature";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { GuardDutyFeatures } from "../../config/schema";
import type { AutoEnable } from "../../config/sections/organization";
import { FEATURES, type IDetector } from "./detector";
import { planAvailableIn } from "../../detection/guardduty-plans";

export interface GuardDutyOrganizationProps {
  /** The administrator account's provider for the region. */
  readonly provider: AwsProvider;
  readonly region: string;
  /** The administrator's detector in the region (created, adopted or looked up). */
  readonly detector: IDetector;
  /** Which members GuardDuty enables: ALL, NEW or NONE. */
  readonly autoEnable: AutoEnable;
  /** Protection plans by config name: an enabled plan follows `autoEnable`, a disabled one is NONE. */
  readonly features: GuardDutyFeatures;
}

export class GuardDutyOrganization extends Construct {
  readonly configuration: GuarddutyOrganizationConfiguration;
  /** Config plan name -> its organization feature; plans the region lacks have none. */
  readonly features: ReadonlyMap<keyof GuardDutyFeatures, GuarddutyOrganizationConfigurationFeature>;

  constructor(scope: Construct, id: string, props: GuardDutyOrganizationProps) {
    super(scope, id);
    const { provider, region, detector, autoEnable } = props;
    // `auto_enable_organization_members`, not the deprecated boolean `auto_enable`.
    // https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/resources/guardduty_organization_configuration
    this.configuration = new GuarddutyOrganizationConfiguration(this, "configuration", {
      provider,
      detectorId: detector.detectorId,
      autoEnableOrganizationMembers: autoEnable,
    });

    const features = new Map<keyof GuardDutyFeatures, GuarddutyOrganizationConfigurationFeature>();
    for (const [key, feature] of Object.entries(FEATURES) as [keyof GuardDutyFeatures, (typeof FEATURES)[keyof GuardDutyFeatures]][]) {
      if (!planAvailableIn(feature.name, region)) continue;
      // Every plan is managed, on or off, as on the detector: removing the resource leaves the
      // organization setting as it was (the provider only forgets it). NONE stops enabling the
      // plan in accounts that join; AWS leaves it as it is in existing members.
      const status: AutoEnable = props.features[key] ? autoEnable : "NONE";
      features.set(
        key,
        new GuarddutyOrganizationConfigurationFeature(this, key, {
          provider,
          detectorId: detector.detectorId,
          name: feature.name,
          autoEnable: status,
          additionalConfiguration: feature.additional?.map((name) => ({ name, autoEnable: status })),
          // The provider writes a feature by reading the organization configuration and sending
          // back its auto-enable setting with the feature; run before the configuration, it
          // would send the old setting and could undo it.
          // https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/guardduty/organization_configuration_feature.go
          dependsOn: [this.configuration],
        }),
      );
    }
    this.features = features;
  }
}

/**
 * The delegated administrator's detector in a region, to adopt: designating an account turns
 * GuardDuty on in it, so after the management stack's deploy the region has a detector that
 * `CreateDetector` would refuse ("a detector already exists"), and whose id is unknown at synth.
 * The lookup's id feeds the detector's `import` block: Terraform imports it on the first plan and
 * ignores the block once the detector is in state (an existing stack keeps its own). An import id
 * that is an expression needs Terraform >= 1.6 (ORGANIZATION_ADMIN_TERRAFORM_FLOOR).
 * https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_organizations.html
 */
export function designatedDetector(scope: Construct, provider: AwsProvider, region: string): string {
  const lookup = new DataAwsGuarddutyDetector(scope, `guardduty-designated-detector-${region}`, { provider });
  return lookup.id;
}

/**
 * Terraform accepts an expression as an `import` block's id from 1.6 on, when it is a known
 * string at plan time (a data source with constant arguments is read during the plan).
 * https://github.com/hashicorp/terraform/pull/33618
 */
export const ORGANIZATION_ADMIN_TERRAFORM_FLOOR = "1.6.0";
