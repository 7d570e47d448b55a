/**
 * One stack per account: a provider per region, the regional alert pipelines, and the account's
 * single pieces (Chatbot) in the home region.
 */
import { Aspects, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { AccountTarget, Config } from "../config/load";
import { CHATBOT_TOPIC_REGIONS, chatbotApiRegion, regionAlias } from "../config/regions";
import { DEFAULT_ACCOUNT_KEY } from "../config/schema";
import { severityFloor } from "../detection/severity";
import { AccountContext } from "./account-context";
import { RequireExplicitProvider } from "./aspects/require-provider";
import { configureBackend } from "./backend";
import { ChatbotSlack } from "./constructs/chatbot-slack";
import { CloudTrailTrail } from "./constructs/cloudtrail-trail";
import { LogMetricAlarms } from "./constructs/log-metric-alarms";
import { RegionalAlerts } from "./constructs/regional-alerts";
import { SlackNotifier } from "./constructs/slack-notifier";
import type { DetectorSource } from "./guardduty/detector";
import { createRegionalProviders, providerFor } from "./providers";
import { addAlertSources } from "./alert-sources";
import { addStackOutputs } from "./stack-outputs";
import type { AutoEnable, OrganizationRole } from "../config/sections/organization";
import { designatedDetector, GuardDutyOrganization, ORGANIZATION_ADMIN_TERRAFORM_FLOOR } from "./guardduty/organization";

const CHATBOT_LOGS_REGION = "us-east-1";

export interface AccountStackProps {
  /** The validated config: the stack maps it to its constructs' props (nothing below sees it). */
  readonly config: Config;
  /** The account this stack deploys to. */
  readonly account: AccountTarget;
  /** Organization mode: the account's part (docs/organization.md). */
  readonly organization?: { readonly role: Exclude<OrganizationRole, "member">; readonly autoEnable: AutoEnable };
}

export class AccountStack extends TerraformStack {
  readonly regional: readonly RegionalAlerts[];

  constructor(scope: Construct, id: string, props: AccountStackProps) {
    super(scope, id);
    const { config, account, organization } = props;
    const chatbot = config.notifications.chatbot;
    const chatbotRegion = chatbot ? chatbotApiRegion(config.homeRegion) : undefined;

    // Chatbot's log group is always in us-east-1 (constructs/chatbot-slack.ts).
    const providers = createRegionalProviders(this, {
      regions: chatbotRegion ? [...config.regions, chatbotRegion, CHATBOT_LOGS_REGION] : config.regions,
      account,
      project: config.project,
    });
    const home = providerFor(providers, config.homeRegion);
    const context = new AccountContext(this, "account", { provider: home });

    const detectorSettings = {
      findingPublishingFrequency: config.guardduty.findingPublishingFrequency,
      features: config.guardduty.features,
    };
    const adopted = config.guardduty.existingDetectors[account.name ?? DEFAULT_ACCOUNT_KEY] ?? {};
    const detectorIn = (region: string): DetectorSource => {
      // A member's detector belongs to the organization: a member's own stack only alerts.
      if (!config.guardduty.manageDetector || organization?.role === "member-with-stack") return { type: "external" };
      const existing =
        adopted[region] ?? (organization?.role === "admin" ? designatedDetector(this, providerFor(providers, region), region) : undefined);
      return existing === undefined
        ? { type: "create", settings: detectorSettings }
        : { type: "adopt", detectorId: existing, settings: detectorSettings };
    };
    const minSeverity = severityFloor(config.guardduty.minSeverity);
    this.regional = config.regions.map(
      (region) =>
        new RegionalAlerts(this, regionAlias(region), {
          provider: providerFor(providers, region),
          region,
          account: context,
          project: config.project,
          detector: detectorIn(region),
          minSeverity,
          emails: config.notifications.emails,
        }),
    );

    if (organization?.role === "admin") {
      for (const regional of this.regional) {
        new GuardDutyOrganization(regional, "guardduty-organization", {
          provider: regional.provider,
          region: regional.region,
          detector: regional.detector,
          autoEnable: organization.autoEnable,
          features: config.guardduty.features,
        });
      }
    }

    if (chatbot && chatbotRegion) {
      new ChatbotSlack(this, "chatbot", {
        provider: providerFor(providers, chatbotRegion),
        account: context,
        project: config.project,
        slackTeamId: chatbot.slackTeamId,
        slackChannelId: chatbot.slackChannelId,
        guardrailPolicyArns: chatbot.guardrailPolicyArns,
        // Chatbot serves topics only in its supported regions; the config warns about the others.
        topicArns: this.regional
          .filter((r) => CHATBOT_TOPIC_REGIONS.has(r.region))
          .flatMap((r) => [r.alerts.topic.arn, r.alerts.health.topic.arn]),
        logsProvider: providerFor(providers, CHATBOT_LOGS_REGION),
      });
    }

    const alertsIn = (region: string) => {
      const scope = this.regional.find((r) => r.region === region);
      if (!scope) throw new Error(`internal: no regional alerts for ${region}`);
      return scope;
    };

    const cloudtrail = config.cloudtrail;
    let trail: CloudTrailTrail | undefined;
    if (cloudtrail && config.logAlarms) {
      const { region, specs } = config.logAlarms;
      const provider = providerFor(providers, region);
      // An existing trail's log group by name, or the trail this stack creates (in homeRegion).
      let logGroupName: string;
      if (cloudtrail.createTrail) {
        trail = new CloudTrailTrail(this, "cloudtrail", { provider, region, account: context, project: config.project });
        logGroupName = trail.logGroup.name;
      } else logGroupName = cloudtrail.logGroup.name;
      new LogMetricAlarms(this, "cloudtrail-alarms", {
        provider,
        project: config.project,
        logGroupName,
        specs,
        topic: alertsIn(region).alerts,
      });
    }

    const slack = config.notifications.slack;
    let notifier: SlackNotifier | undefined;
    if (slack) {
      notifier = new SlackNotifier(this, "slack-notifier", {
        provider: home,
        region: config.homeRegion,
        account: context,
        project: config.project,
        webhookParameter: slack.webhookParameter,
        routes: slack.routes,
        reservedConcurrency: slack.reservedConcurrency,
        // The administrator alerts on every member's findings: name the listed accounts too.
        accountNames:
          organization?.role === "admin"
            ? { ...accountNamesOf(config.accounts), ...config.notifications.accountNames }
            : config.notifications.accountNames,
        topics: this.regional.map((r) => ({ region: r.region, provider: r.provider, alerts: r.alerts })),
        alarmTopic: alertsIn(config.homeRegion).alerts,
      });
    }

    addAlertSources(this, { config, account: context, home, regional: this.regional });
    addStackOutputs(this, {
      alertTopicArns: Object.fromEntries(this.regional.map((r) => [r.region, r.alerts.topic.arn])),
      guardDutyDetectorIds: Object.fromEntries(
        // Only detectors this stack manages: an external one's id would add a lookup that fails in
        // a region without a detector.
        this.regional.flatMap((r) => (r.detector.owned ? [[r.region, r.detector.detectorId] as const] : [])),
      ),
      notifierFunctionArn: notifier?.function.arn,
      trail: trail ? { arn: trail.trail.arn, logGroupName: trail.logGroup.name } : undefined,
    });

    const importsByLookup = organization?.role === "admin" && config.guardduty.manageDetector;
    configureBackend(this, id, config.backend, importsByLookup ? ORGANIZATION_ADMIN_TERRAFORM_FLOOR : undefined);
    Aspects.of(this).add(new RequireExplicitProvider());
  }
}

/** Account id -> name, for the accounts listed with both. */
function accountNamesOf(accounts: readonly AccountTarget[]): Record<string, string> {
  return Object.fromEntries(accounts.flatMap((a) => (a.id && a.name ? [[a.id, a.name]] : [])));
}
