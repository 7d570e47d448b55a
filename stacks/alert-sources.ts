/**
 * The alert sources beyond GuardDuty's own rule, added to an account stack: AWS Config rules (and
 * optionally its recorder), Security Hub findings, the GuardDuty findings export, suppression
 * rules and the trusted IP list. Regional pieces go under each region's scope, so their addresses
 * sit beside the region's other resources.
 */
import type { Construct } from "constructs";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Config } from "../config/load";
import { names } from "../config/names";
import { labelsAtOrAbove } from "../config/sections/security-hub";
import { GLOBAL_RESOURCE_RULES } from "../detection/aws-config-managed-rules";
import { securityHubFindingsPattern } from "../detection/source-patterns";
import type { AccountContext } from "./account-context";
import { AlertRule } from "./constructs/alert-rule";
import type { AlertTopic } from "./constructs/alert-topic";
import { ConfigDelivery, ConfigRecorder } from "./constructs/config-recorder";
import { ConfigRules } from "./constructs/config-rules";
import { GuardDutyStore, type OwnedDetector } from "./constructs/guardduty-store";
import { GuardDutySuppressions } from "./constructs/guardduty-suppressions";
import { TrustedIpList } from "./constructs/trusted-ip-list";
import type { IDetector } from "./guardduty/detector";

/** What this module needs from a region's pipeline (`RegionalAlerts`). */
export interface RegionScope extends Construct {
  readonly region: string;
  readonly provider: AwsProvider;
  readonly alerts: AlertTopic;
  readonly detector: IDetector;
}

export interface AlertSourcesProps {
  readonly config: Config;
  readonly account: AccountContext;
  /** The home region's provider. */
  readonly home: AwsProvider;
  readonly regional: readonly RegionScope[];
}

export function addAlertSources(scope: Construct, props: AlertSourcesProps): void {
  const { config, account, home, regional } = props;
  const project = config.project;

  const awsConfig = config.awsConfig;
  if (awsConfig) {
    const delivery = awsConfig.createRecorder ? new ConfigDelivery(scope, "aws-config", { provider: home, account, project }) : undefined;
    for (const r of regional) {
      const isHome = r.region === config.homeRegion;
      const recorder = delivery
        ? new ConfigRecorder(r, "config-recorder", {
            provider: r.provider,
            delivery,
            recordGlobalResources: isHome,
            adopt: awsConfig.adoptRecorderIn?.includes(r.region),
          })
        : undefined;
      const rules = awsConfig.managedRules.filter((rule) => isHome || !GLOBAL_RESOURCE_RULES.has(rule));
      if (rules.length === 0) continue;
      new ConfigRules(r, "config-rules", {
        provider: r.provider,
        project,
        rules,
        parameters: awsConfig.ruleParameters,
        notify: awsConfig.notify,
        topic: r.alerts,
        recorder: recorder?.status,
      });
    }
  }

  const securityHub = config.securityHub;
  if (securityHub) {
    const labels = labelsAtOrAbove(securityHub.minSeverity);
    for (const r of regional) {
      new AlertRule(r, "securityhub-findings", {
        provider: r.provider,
        name: names.securityHubRule(project),
        description: `threat-alerts: new Security Hub findings of severity ${labels.join(", ")}`,
        eventPattern: securityHubFindingsPattern(labels),
        topic: r.alerts,
      });
    }
  }

  const g = config.guardduty;
  // Only the detector's owner sets exports, filters and IP lists (the config refuses them otherwise).
  const owned: OwnedDetector[] = regional.flatMap((r) =>
    r.detector.owned ? [{ region: r.region, provider: r.provider, detector: r.detector }] : [],
  );
  const trustedIps = g.trustedIps ?? [];
  // None owned (an organization member's own stack): the administrator's settings cover it.
  if ((g.export || trustedIps.length > 0) && owned.length > 0) {
    const store = new GuardDutyStore(scope, "guardduty-store", {
      provider: home,
      account,
      project,
      export: g.export ? { retentionDays: g.export.retentionDays, detectors: owned } : undefined,
    });
    if (trustedIps.length > 0) {
      new TrustedIpList(scope, "trusted-ips", { provider: home, project, bucket: store.bucket, ips: trustedIps, detectors: owned });
    }
  }
  const suppress = g.suppress ?? [];
  if (suppress.length > 0) {
    for (const r of regional) {
      if (!r.detector.owned) continue;
      new GuardDutySuppressions(r, "guardduty-suppressions", {
        provider: r.provider,
        project,
        detector: r.detector,
        suppressions: suppress,
      });
    }
  }
}

/** Lines for the synth output: what each suppression archives, and why. */
export function describeAlertSources(config: Config): string[] {
  const regions = config.regions.length === 1 ? "1 region" : `${config.regions.length} regions`;
  return (config.guardduty.suppress ?? []).map((s) => {
    const what = [...(s.findingTypes ?? []), ...Object.keys(s.criteria ?? {})].join(", ");
    return `suppressing "${s.name}" (GuardDuty filter ${names.suppressionFilter(config.project, s.name)}, ${regions}; ${what}): ${s.reason}`;
  });
}
