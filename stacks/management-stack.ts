/**
 * Organization mode: the management account's stack. It designates the delegated GuardDuty
 * administrator in every region and holds nothing else (AWS recommends keeping workloads and
 * tooling out of the management account). Its own providers, its own state.
 *
 * Designation enables GuardDuty as a trusted service in AWS Organizations and turns GuardDuty on
 * in the administrator account in that region (creating its detector when it has none).
 * https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_organizations.html
 * https://docs.aws.amazon.com/guardduty/latest/ug/organizations_permissions.html
 */
import { Aspects, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { GuarddutyOrganizationAdminAccount } from "@cdktf/provider-aws/lib/guardduty-organization-admin-account";
import type { BackendConfig } from "../config/schema";
import { regionAlias } from "../config/regions";
import { RequireExplicitProvider } from "./aspects/require-provider";
import { configureBackend } from "./backend";
import { createRegionalProviders, providerFor } from "./providers";

export interface ManagementStackProps {
  readonly project: string;
  /** Regions to designate the administrator in, in config order. */
  readonly regions: readonly string[];
  /** The organization's management account: allowed account id and the role to assume. */
  readonly managementAccount: { readonly id: string; readonly assumeRoleArn?: string };
  /** The account id of the delegated administrator. */
  readonly adminAccountId: string;
  readonly backend: BackendConfig;
}

export class ManagementStack extends TerraformStack {
  /** Region -> the designation in that region. */
  readonly designations: ReadonlyMap<string, GuarddutyOrganizationAdminAccount>;

  constructor(scope: Construct, id: string, props: ManagementStackProps) {
    super(scope, id);
    const providers = createRegionalProviders(this, { regions: props.regions, account: props.managementAccount, project: props.project });
    const designations = new Map<string, GuarddutyOrganizationAdminAccount>();
    let first: GuarddutyOrganizationAdminAccount | undefined;
    for (const region of props.regions) {
      const scopeOfRegion = new Construct(this, regionAlias(region));
      const designation = new GuarddutyOrganizationAdminAccount(scopeOfRegion, "guardduty-admin", {
        provider: providerFor(providers, region),
        adminAccountId: props.adminAccountId,
        // The first designation also registers GuardDuty's trusted access with Organizations;
        // designating every region at once has failed in all but one region until that was done
        // (aws-secure-environment-accelerator#778), so the other regions wait for the first.
        dependsOn: first ? [first] : undefined,
      });
      first ??= designation;
      designations.set(region, designation);
    }
    this.designations = designations;

    configureBackend(this, id, props.backend);
    Aspects.of(this).add(new RequireExplicitProvider());
  }
}
