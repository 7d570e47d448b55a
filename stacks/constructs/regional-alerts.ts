/**
 * Everything threat-alerts builds in one region: GuardDuty, the findings rule and the encrypted
 * alert topic. Construct ids here are a contract: renaming one replaces the resource in AWS.
 */
import { Construct } from "constructs";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { AccountContext } from "../account-context";
import type { Config } from "../../config/load";
import { names } from "../../config/names";
import { severityFloor } from "../../config/severity";
import { guardDutyFindingPattern } from "../event-patterns";
import { AlertRule } from "./alert-rule";
import { AlertTopic } from "./alert-topic";
import { GuardDutyDetector } from "./guardduty-detector";

export interface RegionalAlertsProps {
  readonly provider: AwsProvider;
  readonly region: string;
  readonly account: AccountContext;
  readonly config: Config;
}

export class RegionalAlerts extends Construct {
  readonly region: string;
  readonly provider: AwsProvider;
  readonly alerts: AlertTopic;
  /** Undefined when the config leaves the detector to someone else (`manageDetector: false`). */
  readonly guardduty?: GuardDutyDetector;

  constructor(scope: Construct, id: string, props: RegionalAlertsProps) {
    super(scope, id);
    const { provider, region, account, config } = props;
    this.region = region;
    this.provider = provider;

    this.alerts = new AlertTopic(this, "alerts", {
      provider,
      region,
      account,
      project: config.project,
      emails: config.notifications.emails,
    });
    if (config.guardduty.manageDetector) {
      this.guardduty = new GuardDutyDetector(this, "guardduty", {
        provider,
        findingPublishingFrequency: config.guardduty.findingPublishingFrequency,
        features: config.guardduty.features,
      });
    }
    const minSeverity = severityFloor(config.guardduty.minSeverity);
    new AlertRule(this, "guardduty-findings", {
      provider,
      name: names.findingsRule(config.project),
      description: `threat-alerts: GuardDuty findings of severity ${minSeverity} and above`,
      eventPattern: guardDutyFindingPattern(minSeverity),
      topic: this.alerts,
    });
  }
}
