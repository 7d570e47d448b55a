import { AlarmLambdaActionSchema, AlarmSnsMessageSchema, AlarmStateChangeSchema } from "./schemas/alarm";
import type { AlarmSnsMessage, AlarmStateChange } from "./schemas/alarm";
import { ConfigComplianceChangeSchema } from "./schemas/config";
import type { ConfigComplianceChange } from "./schemas/config";
import { EventBridgeSchema, SnsNotificationSchema, SnsRecordSchema } from "./schemas/envelope";
import { GuardDutyFindingSchema, looksLikeGuardDutyFinding } from "./schemas/guardduty";
import type { GuardDutyFinding } from "./schemas/guardduty";
import { AsffFindingSchema, SecurityHubDetailSchema } from "./schemas/securityhub";
import type { AsffFinding } from "./schemas/securityhub";

/** Where a payload came from; the SNS topic gives a region/partition hint when the payload has none. */
export interface Origin {
  readonly topicArn?: string;
  readonly subject?: string;
  readonly messageId?: string;
}

/** One thing to post: one SNS record, or the whole event when it is not SNS. */
export interface Incoming {
  readonly payload: unknown;
  readonly origin: Origin;
  /** Set when the SNS record itself was malformed; the payload is then the raw record. */
  readonly problem?: string;
}

/** The EventBridge envelope fields worth showing, when there was an envelope. */
export interface Envelope {
  readonly source?: string;
  readonly detailType?: string;
  readonly account?: string;
  readonly region?: string;
  readonly time?: string;
}

export type Alarm =
  | { readonly shape: "state-change"; readonly detail: AlarmStateChange; readonly envelope: Envelope; readonly arn?: string }
  | { readonly shape: "sns"; readonly message: AlarmSnsMessage };

export type Classified =
  | { readonly kind: "guardduty"; readonly finding: GuardDutyFinding; readonly envelope: Envelope; readonly origin: Origin }
  | { readonly kind: "alarm"; readonly alarm: Alarm; readonly origin: Origin }
  | { readonly kind: "config"; readonly change: ConfigComplianceChange; readonly envelope: Envelope; readonly origin: Origin }
  | {
      readonly kind: "securityhub";
      readonly findings: AsffFinding[];
      readonly unparsed: number;
      readonly envelope: Envelope;
      readonly origin: Origin;
    }
  | { readonly kind: "generic"; readonly payload: unknown; readonly envelope: Envelope; readonly origin: Origin };

/** JSON if the string is a JSON object or array, else the string itself. */
function maybeJson(text: string): unknown {
  const t = text.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return text;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return text;
  }
}

/** An SNS notification document (HTTP/email shape) is unwrapped to its Message. */
function unwrapNotification(payload: unknown, origin: Origin): Incoming {
  const note = SnsNotificationSchema.safeParse(payload);
  if (!note.success) return { payload, origin };
  const message = typeof note.data.Message === "string" ? maybeJson(note.data.Message) : note.data.Message;
  return {
    payload: message,
    origin: { topicArn: note.data.TopicArn ?? origin.topicArn, subject: note.data.Subject ?? origin.subject },
  };
}

/** An SNS → Lambda event: a non-empty `Records` array of which at least one record looks like SNS. */
function snsRecords(event: unknown): unknown[] | undefined {
  if (typeof event !== "object" || event === null || Array.isArray(event)) return undefined;
  const records = (event as { Records?: unknown }).Records;
  if (!Array.isArray(records) || records.length === 0) return undefined;
  const looksSns = (r: unknown) =>
    typeof r === "object" && r !== null && ("Sns" in r || (r as { EventSource?: unknown }).EventSource === "aws:sns");
  return records.some(looksSns) ? records : undefined;
}

/**
 * Splits a Lambda event into the payloads to post: one per SNS record, else the event itself.
 * Records are validated one by one, so a malformed record becomes its own (raw) message and
 * never spoils the others in the batch.
 */
export function splitRecords(event: unknown): Incoming[] {
  const records = snsRecords(event);
  if (!records) return [unwrapNotification(event, {})];
  return records.map((record, i) => {
    const parsed = SnsRecordSchema.safeParse(record);
    if (!parsed.success) {
      return {
        payload: record,
        origin: { subject: `Malformed SNS record ${i + 1} of ${records.length}` },
        problem: "malformed SNS record",
      };
    }
    const { Sns } = parsed.data;
    return unwrapNotification(maybeJson(Sns.Message), {
      topicArn: Sns.TopicArn,
      subject: Sns.Subject ?? undefined,
      messageId: Sns.MessageId,
    });
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function classifyEventBridge(event: Record<string, unknown>, origin: Origin): Classified | undefined {
  if (!("detail" in event) || !isObject(event.detail)) return undefined;
  const eb = EventBridgeSchema.safeParse(event);
  if (!eb.success) return undefined;
  const envelope: Envelope = {
    source: eb.data.source,
    detailType: eb.data["detail-type"],
    account: eb.data.account,
    region: eb.data.region,
    time: eb.data.time,
  };
  const detailType = envelope.detailType;
  const detail = event.detail;

  if (detailType === "GuardDuty Finding" || (detailType === undefined && envelope.source === undefined)) {
    const finding = GuardDutyFindingSchema.safeParse(detail);
    if (finding.success && (detailType !== undefined || looksLikeGuardDutyFinding(finding.data))) {
      return { kind: "guardduty", finding: finding.data, envelope, origin };
    }
  }
  if (detailType === "CloudWatch Alarm State Change") {
    const alarm = AlarmStateChangeSchema.safeParse(detail);
    if (alarm.success) {
      const arn = Array.isArray(event.resources) && typeof event.resources[0] === "string" ? event.resources[0] : undefined;
      return { kind: "alarm", alarm: { shape: "state-change", detail: alarm.data, envelope, arn }, origin };
    }
  }
  if (detailType === "Config Rules Compliance Change") {
    const change = ConfigComplianceChangeSchema.safeParse(detail);
    if (change.success) return { kind: "config", change: change.data, envelope, origin };
  }
  if (envelope.source === "aws.securityhub" || detailType?.startsWith("Security Hub Findings")) {
    const hub = SecurityHubDetailSchema.safeParse(detail);
    if (hub.success) return securityHub(hub.data.findings, envelope, origin);
  }
  return { kind: "generic", payload: event, envelope, origin };
}

function securityHub(raw: readonly unknown[], envelope: Envelope, origin: Origin): Classified {
  const findings: AsffFinding[] = [];
  for (const f of raw) {
    const parsed = AsffFindingSchema.safeParse(f);
    if (parsed.success) findings.push(parsed.data);
  }
  if (findings.length === 0) return { kind: "generic", payload: { ...envelope, detail: { findings: raw } }, envelope, origin };
  return { kind: "securityhub", findings, unparsed: raw.length - findings.length, envelope, origin };
}

/**
 * Decides what a payload is. Never throws: anything unrecognised, or recognised but malformed,
 * is `generic`, which shows the raw event.
 */
export function classify({ payload, origin }: Incoming): Classified {
  try {
    if (!isObject(payload)) return { kind: "generic", payload, envelope: {}, origin };

    const eb = classifyEventBridge(payload, origin);
    if (eb) return eb;

    const lambdaAction = AlarmLambdaActionSchema.safeParse(payload);
    if (lambdaAction.success) {
      const d = lambdaAction.data;
      const envelope: Envelope = { source: d.source, account: d.accountId, region: d.region, time: d.time };
      return { kind: "alarm", alarm: { shape: "state-change", detail: d.alarmData, envelope, arn: d.alarmArn }, origin };
    }

    const snsAlarm = AlarmSnsMessageSchema.safeParse(payload);
    if (snsAlarm.success) return { kind: "alarm", alarm: { shape: "sns", message: snsAlarm.data }, origin };

    if (payload.messageType === "ComplianceChangeNotification") {
      const change = ConfigComplianceChangeSchema.safeParse(payload);
      if (change.success) {
        const envelope: Envelope = { source: "aws.config", account: change.data.awsAccountId, region: change.data.awsRegion };
        return { kind: "config", change: change.data, envelope, origin };
      }
    }

    const bareFinding = GuardDutyFindingSchema.safeParse(payload);
    if (bareFinding.success && looksLikeGuardDutyFinding(bareFinding.data)) {
      const envelope: Envelope = { source: "aws.guardduty", detailType: "GuardDuty Finding" };
      return { kind: "guardduty", finding: bareFinding.data, envelope, origin };
    }

    if (typeof payload.SchemaVersion === "string" && typeof payload.ProductArn === "string") {
      return securityHub([payload], { source: "aws.securityhub" }, origin);
    }

    return {
      kind: "generic",
      payload,
      envelope: {
        source: typeof payload.source === "string" ? payload.source : undefined,
        detailType: typeof payload["detail-type"] === "string" ? payload["detail-type"] : undefined,
      },
      origin,
    };
  } catch {
    return { kind: "generic", payload, envelope: {}, origin };
  }
}
