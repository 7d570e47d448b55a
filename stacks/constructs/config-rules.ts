/**
 * A region's AWS Config managed rules, and an EventBridge rule that sends a resource turning
 * NON_COMPLIANT under one of the `notify` rules to the region's alert topic.
 *
 * The rules evaluate what a configuration recorder records: without a recorder in the region
 * (this stack's, with `createRecorder`, or one that already exists) AWS refuses to create them.
 */
import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { ConfigConfigRule } from "@cdktf/provider-aws/lib/config-config-rule";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { names } from "../../config/names";
import { managedRuleIdentifier } from "../../detection/aws-config-managed-rules";
import { configComplianceChangePattern } from "../../detection/source-patterns";
import { AlertRule } from "./alert-rule";
import type { AlertTopic } from "./alert-topic";

export interface ConfigRulesProps {
  readonly provider: AwsProvider;
  readonly project: string;
  /** Managed rule names (detection/aws-config-managed-rules.ts) to create in this region. */
  readonly rules: readonly string[];
  /** Input parameters by rule name (values are sent as strings). @default none */
  readonly parameters?: Readonly<Record<string, Readonly<Record<string, string | number | boolean>>>>;
  /** Of those, the rules whose changes to NON_COMPLIANT alert. @default all of `rules` */
  readonly notify?: readonly string[];
  /** The region's alert topic. */
  readonly topic: AlertTopic;
  /** The region's recorder, when this stack creates it: rules wait until it records. @default none */
  readonly recorder?: ITerraformDependable;
}

export class ConfigRules extends Construct {
  readonly rules: readonly ConfigConfigRule[];
  /** Undefined when no rule of this region alerts. */
  readonly alertRule?: AlertRule;

  constructor(scope: Construct, id: string, props: ConfigRulesProps) {
    super(scope, id);
    const { provider, project } = props;
    // Ids are the rule names: adding or removing one rule never replaces another.
    this.rules = props.rules.map((rule) => {
      const identifier = managedRuleIdentifier(rule);
      if (!identifier) throw new Error(`internal: ${rule} is not a managed rule (the config check should have refused it)`);
      const parameters = props.parameters?.[rule];
      return new ConfigConfigRule(this, rule, {
        provider,
        name: names.configRule(project, rule),
        description: `threat-alerts: AWS Config managed rule ${rule}`,
        source: { owner: "AWS", sourceIdentifier: identifier },
        // The API takes a JSON object of strings: {"maxAccessKeyAge":"90"}.
        inputParameters: parameters
          ? JSON.stringify(Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, String(v)])))
          : undefined,
        dependsOn: props.recorder ? [props.recorder] : undefined,
      });
    });
    const notify = props.rules.filter((r) => (props.notify ?? props.rules).includes(r));
    if (notify.length > 0) {
      this.alertRule = new AlertRule(this, "noncompliant", {
        provider,
        name: names.configComplianceRule(project),
        description: `threat-alerts: resources turning NON_COMPLIANT under ${notify.length} AWS Config rule${notify.length === 1 ? "" : "s"}`,
        eventPattern: configComplianceChangePattern(notify.map((r) => names.configRule(project, r))),
        topic: props.topic,
      });
    }
  }
}
