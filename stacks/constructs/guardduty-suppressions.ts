/**
 * Suppression rules: one GuardDuty filter per entry with action ARCHIVE. Matching findings are
 * archived as they arrive: they stay searchable in GuardDuty but reach no EventBridge rule, so
 * nobody is alerted. GuardDuty Extended Threat Detection does not use archived findings when it
 * correlates attack sequences (README: Suppressing known noise).
 * https://docs.aws.amazon.com/guardduty/latest/ug/findings_suppression-rule.html
 */
import { Construct } from "constructs";
import { GuarddutyFilter, type GuarddutyFilterFindingCriteriaCriterion } from "@cdktf/provider-aws/lib/guardduty-filter";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { names } from "../../config/names";
import type { IDetector } from "../guardduty/detector";

type Scalar = string | number;

/** One condition per finding field, in the API's short names. */
export interface SuppressionCondition {
  readonly eq?: readonly Scalar[];
  readonly neq?: readonly Scalar[];
  readonly gt?: Scalar;
  readonly gte?: Scalar;
  readonly lt?: Scalar;
  readonly lte?: Scalar;
}

export interface Suppression {
  /** Unique per account; the filter is `<project>-<name>`. */
  readonly name: string;
  /** Why the noise is accepted: the filter's description. */
  readonly reason: string;
  /** Finding types to archive (the `type` criterion). @default any type */
  readonly findingTypes?: readonly string[];
  /** Conditions by GuardDuty finding field. @default none */
  readonly criteria?: Readonly<Record<string, SuppressionCondition>>;
}

export interface GuardDutySuppressionsProps {
  /** The detector's region provider. */
  readonly provider: AwsProvider;
  readonly project: string;
  /** A detector this stack manages (created or adopted): only a detector's owner adds filters. */
  readonly detector: IDetector;
  readonly suppressions: readonly Suppression[];
}

/** The filter criteria of a suppression: `type` first, then the fields in config order. */
export function suppressionCriteria(s: Suppression): GuarddutyFilterFindingCriteriaCriterion[] {
  const str = (v: Scalar | undefined) => (v === undefined ? undefined : String(v));
  const out: GuarddutyFilterFindingCriteriaCriterion[] = [];
  if (s.findingTypes) out.push({ field: "type", equalTo: [...s.findingTypes] });
  for (const [field, c] of Object.entries(s.criteria ?? {})) {
    out.push({
      field,
      equalTo: c.eq?.map(String),
      notEquals: c.neq?.map(String),
      greaterThan: str(c.gt),
      greaterThanOrEqual: str(c.gte),
      lessThan: str(c.lt),
      lessThanOrEqual: str(c.lte),
    });
  }
  return out;
}

export class GuardDutySuppressions extends Construct {
  readonly filters: readonly GuarddutyFilter[];

  constructor(scope: Construct, id: string, props: GuardDutySuppressionsProps) {
    super(scope, id);
    const { provider, project, detector } = props;
    if (!detector.owned) throw new Error("internal: suppressions need a detector this stack manages");
    // Ids are the suppression names: reordering the list re-ranks the filters in place.
    this.filters = props.suppressions.map(
      (s, i) =>
        new GuarddutyFilter(this, s.name, {
          provider,
          detectorId: detector.detectorId,
          name: names.suppressionFilter(project, s.name),
          action: "ARCHIVE",
          rank: i + 1,
          description: s.reason,
          findingCriteria: { criterion: suppressionCriteria(s) },
        }),
    );
  }
}
