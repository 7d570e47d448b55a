/**
 * The one place that creates AWS providers: one aliased provider per region, per account stack.
 * Every AWS resource names its provider explicitly (see aspects/require-provider.ts), so no
 * un-aliased default provider is declared and nothing can land in an unintended region.
 */
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { regionAlias } from "../config/regions";
import type { AccountTarget } from "../config/load";

export interface RegionalProvidersProps {
  /** Regions that get a provider, in config order. */
  readonly regions: readonly string[];
  /** The account this stack deploys to: assumed role and the allowed account id. */
  readonly account: AccountTarget;
  /** Tagged as `Project` on every resource. */
  readonly project: string;
}

/** Region -> its aliased provider (alias `us_east_1`). */
export type RegionalProviders = ReadonlyMap<string, AwsProvider>;

export const MANAGED_BY_TAG = { ManagedBy: "threat-alerts" } as const;

export function createRegionalProviders(scope: Construct, props: RegionalProvidersProps): RegionalProviders {
  const { account, project } = props;
  const providers = new Map<string, AwsProvider>();
  for (const region of props.regions) {
    if (providers.has(region)) continue;
    providers.set(
      region,
      new AwsProvider(scope, `aws-${region}`, {
        alias: regionAlias(region),
        region,
        // Refuse to run against the wrong account, e.g. when the wrong profile is active.
        allowedAccountIds: account.id ? [account.id] : undefined,
        assumeRole: account.assumeRoleArn ? [{ roleArn: account.assumeRoleArn, sessionName: `threat-alerts-${project}` }] : undefined,
        defaultTags: [{ tags: { ...MANAGED_BY_TAG, Project: project } }],
      }),
    );
  }
  return providers;
}

/** The provider of a region; a missing one is a programming error, not a user mistake. */
export function providerFor(providers: RegionalProviders, region: string): AwsProvider {
  const p = providers.get(region);
  if (!p) throw new Error(`internal: no AWS provider for region ${region}`);
  return p;
}
