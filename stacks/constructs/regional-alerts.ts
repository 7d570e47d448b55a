/**
 * Everything threat-alerts builds in one region: the GuardDuty detector (created, adopted or
 * someone else's), the findings rule and the encrypted alert topic. It takes what it builds from,
 * not the config: `AccountStack` maps the config to these props.
 * Construct ids here are a contract: renaming one replaces the resource in AWS.
 */
import { Construct } from "constructs";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { names } from "../../config/names";
import { guardDutyFindingPattern } from "../../detection/event-patterns";
import { regionDetector, type DetectorSource, type IDetector } from "../guardduty/detector";
import { AlertRule } from "./alert-rule";
import { AlertTopic } from "./alert-topic";
import type { BaseProps } from "./base-props";

export interface RegionalAlertsProps extends BaseProps {
  /** The provider's region. */
  readonly region: string;
  /** Where the region's detector comes from: created here, adopted (imported), or someone else's. */
  readonly detector: DetectorSource;
  /** GuardDuty findings at or above this severity (1-10) are alerts. */
  readonly minSeverity: number;
  /** Addresses subscribed to the region's topic by email; each confirms once. @default none */
  readonly emails?: readonly string[];
}

export class RegionalAlerts extends Construct {
  readonly region: string;
  readonly provider: AwsProvider;
  readonly alerts: AlertTopic;
  readonly detector: IDetector;

  constructor(scope: Construct, id: string, props: RegionalAlertsProps) {
    super(scope, id);
    const { provider, region, account, project, minSeverity } = props;
    this.region = region;
    this.provider = provider;

    this.alerts = new AlertTopic(this, "alerts", { provider, region, account, project, emails: props.emails });
    this.detector = regionDetector(this, "guardduty", provider, props.detector);
    new AlertRule(this, "guardduty-findings", {
      provider,
      name: names.findingsRule(project),
      description: `threat-alerts: GuardDuty findings of severity ${minSeverity} and above`,
      eventPattern: guardDutyFindingPattern(minSeverity),
      topic: this.alerts,
    });
  }
}
