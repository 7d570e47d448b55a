import type { Alarm, Origin } from "../parse";
import { accountLabel, consoleUrl, partitionOf, regionCode, regionFromArn } from "./aws";
import { context, escapeText, fieldsSections, header, linkButton, message, safe, section } from "./blocks";
import type { FormatOptions, Formatted } from "./types";
import { NORMALIZED_SEVERITY } from "./types";

/** The three alarm shapes (EventBridge, direct Lambda action, SNS JSON) reduced to what the message shows. */
export interface AlarmFacts {
  readonly name: string;
  readonly description?: string;
  readonly reason?: string;
  readonly oldState?: string;
  readonly newState: string;
  readonly metric?: string;
  /** Region code, when one is known (the SNS JSON only has a display name). */
  readonly region?: string;
  readonly regionName?: string;
  readonly accountId?: string;
  readonly time?: string;
  readonly arn?: string;
}

export function alarmFacts(alarm: Alarm, origin: Origin): AlarmFacts {
  if (alarm.shape === "sns") {
    const m = alarm.message;
    const stat = m.Trigger?.Metrics?.find((x) => x.MetricStat?.Metric)?.MetricStat?.Metric;
    const expression = m.Trigger?.Metrics?.find((x) => x.Expression)?.Expression;
    const namespace = m.Trigger?.Namespace ?? stat?.Namespace;
    const metricName = m.Trigger?.MetricName ?? stat?.MetricName;
    return {
      name: m.AlarmName,
      description: m.AlarmDescription ?? undefined,
      reason: m.NewStateReason,
      oldState: m.OldStateValue,
      newState: m.NewStateValue,
      metric: metricName ? `${namespace ? `${namespace}/` : ""}${metricName}` : expression,
      // Alarms publish only to topics in their own region, so the topic's region is the alarm's.
      region: regionFromArn(m.AlarmArn) ?? regionFromArn(origin.topicArn),
      regionName: m.Region,
      accountId: m.AWSAccountId,
      time: m.StateChangeTime,
      arn: m.AlarmArn,
    };
  }
  const d = alarm.detail;
  const metrics = d.configuration?.metrics ?? [];
  const stat = metrics.find((x) => x.metricStat?.metric)?.metricStat?.metric;
  const expression = metrics.find((x) => x.expression)?.expression;
  return {
    name: d.alarmName,
    description: d.configuration?.description,
    reason: d.state.reason,
    oldState: d.previousState?.value,
    newState: d.state.value,
    metric: stat?.name
      ? `${stat.namespace ? `${stat.namespace}/` : ""}${stat.name}`
      : (expression ?? (d.configuration?.alarmRule ? `composite: ${d.configuration.alarmRule}` : undefined)),
    region: regionCode(alarm.envelope.region) ?? regionFromArn(alarm.arn) ?? regionFromArn(origin.topicArn),
    accountId: alarm.envelope.account,
    time: d.state.timestamp ?? alarm.envelope.time,
    arn: alarm.arn,
  };
}

const STATE_EMOJI: Record<string, string> = {
  ALARM: ":rotating_light:",
  OK: ":white_check_mark:",
  INSUFFICIENT_DATA: ":grey_question:",
};

export function formatAlarm(alarm: Alarm, origin: Origin, { accountNames }: FormatOptions): Formatted {
  const f = alarmFacts(alarm, origin);
  const emoji = STATE_EMOJI[f.newState] ?? ":bell:";
  const partition = partitionOf(f.arn, f.region, origin.topicArn);
  const url = consoleUrl(partition, f.region, "cloudwatch", `alarmsV2:alarm/${encodeURIComponent(f.name)}`);
  const transition = `${f.oldState ?? "?"} → ${f.newState}`;

  const blocks = [
    header(`${emoji} ${f.newState}: ${f.name}`),
    // For the baseline's CloudTrail alarms the description says what happened and what to do.
    f.description ? section(`:information_source: *What this means:* ${safe(f.description, 2500)}`) : undefined,
    ...fieldsSections([
      { label: "Alarm", value: f.name },
      { label: "State", value: transition },
      { label: "Metric", value: f.metric },
      { label: "Account", value: accountLabel(f.accountId, accountNames), trusted: true },
      { label: "Region", value: f.region ?? f.regionName },
      { label: "Changed at", value: f.time },
    ]),
    f.reason ? context(`*Reason:* ${safe(f.reason, 2000)}`) : undefined,
    linkButton("Open alarm in CloudWatch", url, "open-cloudwatch-alarm"),
  ];
  const fallback = `${escapeText(f.newState)}: ${safe(f.name, 200)} (${escapeText(transition)})${
    f.description ? ` — ${safe(f.description, 200)}` : ""
  }`;
  const severity = f.newState === "ALARM" ? NORMALIZED_SEVERITY.alarmFiring : NORMALIZED_SEVERITY.resolved;
  return { kind: "alarm", severity, message: message(fallback, blocks) };
}
