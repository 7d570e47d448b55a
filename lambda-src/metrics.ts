/**
 * The notifier's own CloudWatch metrics, as one Embedded Metric Format line per invocation on
 * stdout (Lambda ships it to the log group; CloudWatch Logs extracts the metrics; no
 * cloudwatch:PutMetricData permission needed). Lambda does not re-encode a line that is already
 * JSON under the JSON log format.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html
 */
export const METRIC_NAMESPACE = "ThreatAlerts/Notifier";

/** Counts per invocation. See README "When delivery fails" for which ones deserve an alarm. */
export interface DeliveryCounts {
  /** Messages Slack accepted (including after a fallback). */
  Delivered: number;
  /** Messages not delivered by this invocation: it fails, so Lambda retries it and finally queues it. */
  NotDelivered: number;
  /** Delivered to the default webhook because the severity route could not be used. */
  RoutingFailed: number;
  /** Delivered as plain text because Slack refused the formatted blocks (HTTP 400). */
  PlainTextFallback: number;
  /** Webhook answered 403/404/410 and the parameter was re-read. */
  WebhookRefetched: number;
  /** 429 answers waited out. */
  RateLimited: number;
  /** Environment settings that were malformed and ignored (ACCOUNT_NAMES, WEBHOOK_ROUTES). */
  SettingsProblems: number;
}

/**
 * The metric names, one place for both sides: the construct's alarms (stacks/constructs/
 * slack-notifier.ts) import them, so renaming a count fails to compile instead of leaving an alarm
 * on a metric nobody writes. The type forces one entry per count, each equal to its key.
 */
export const NOTIFIER_METRICS = {
  Delivered: "Delivered",
  NotDelivered: "NotDelivered",
  RoutingFailed: "RoutingFailed",
  PlainTextFallback: "PlainTextFallback",
  WebhookRefetched: "WebhookRefetched",
  RateLimited: "RateLimited",
  SettingsProblems: "SettingsProblems",
} as const satisfies { readonly [K in keyof DeliveryCounts]: K };

/** The dimension every notifier metric carries (its value: the function name). */
export const METRIC_DIMENSION = "FunctionName";

export function emptyCounts(): DeliveryCounts {
  return {
    Delivered: 0,
    NotDelivered: 0,
    RoutingFailed: 0,
    PlainTextFallback: 0,
    WebhookRefetched: 0,
    RateLimited: 0,
    SettingsProblems: 0,
  };
}

/** The EMF document for one invocation (pure). */
export function emfDocument(counts: DeliveryCounts, functionName: string, timestamp: number): Record<string, unknown> {
  const names = Object.keys(counts) as (keyof DeliveryCounts)[];
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [[METRIC_DIMENSION]],
          Metrics: names.map((Name) => ({ Name, Unit: "Count" })),
        },
      ],
    },
    [METRIC_DIMENSION]: functionName,
    ...counts,
  };
}

/** Writes the EMF line. */
export function publishCounts(counts: DeliveryCounts, functionName: string): void {
  process.stdout.write(`${JSON.stringify(emfDocument(counts, functionName, Date.now()))}\n`);
}
