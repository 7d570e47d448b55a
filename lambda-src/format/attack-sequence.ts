import type { Envelope, Origin } from "../parse";
import type {
  AttackSequence,
  GuardDutyFinding,
  SequenceActor,
  SequenceEndpoint,
  SequenceResource,
  SequenceSignal,
} from "../schemas/guardduty";
import { accountLabel, consoleUrl, partitionOf } from "./aws";
import { boundedLines, code, context, escapeText, fieldsSections, header, linkButton, message, safe, section } from "./blocks";
import type { FormatOptions, Formatted } from "./types";

/**
 * Per-part text budgets: together about 8,500 characters, under the message's 10,000 with the
 * header and fields, so no part is dropped whole by the message-level cap.
 */
const BUDGET = { description: 1800, signals: 2400, actors: 1000, endpoints: 1000, resources: 1400, indicators: 600 } as const;

/**
 * A timestamp as `2025-03-04T08:02:11Z`: epoch seconds (the API's wire format), epoch
 * milliseconds, or an ISO string; anything else is shown as given.
 */
export function formatTime(value: unknown): string {
  let ms: number | undefined;
  if (typeof value === "number" && Number.isFinite(value)) ms = value > 1e11 ? value : value * 1000;
  else if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    ms = Number.isFinite(n) ? (n > 1e11 ? n : n * 1000) : Date.parse(value);
  }
  if (ms === undefined || Number.isNaN(ms) || ms < 0 || ms > 8.64e15) return typeof value === "string" ? value : "";
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function when(value: unknown): number {
  const t = formatTime(value);
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

/** Signals in the order they were first seen (the API does not promise an order). */
export function orderedSignals(signals: readonly SequenceSignal[]): SequenceSignal[] {
  return signals
    .map((s, i) => ({ s, i, t: when(s.firstSeenAt ?? s.createdAt) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.s);
}

function signalLine(s: SequenceSignal, n: number): string {
  const first = formatTime(s.firstSeenAt ?? s.createdAt);
  const last = formatTime(s.lastSeenAt);
  const times = first && last && last !== first ? `${escapeText(first)} → ${escapeText(last)}` : escapeText(first || last);
  const count = s.count !== undefined ? ` ×${s.count}` : "";
  const type = s.type ? ` (${escapeText(s.type.toLowerCase().replace(/_/g, " "))})` : "";
  return `${n}. ${code(s.name ?? s.uid ?? "signal", 200)}${count}${times ? ` — ${times}` : ""}${type}`;
}

function actorLine(a: SequenceActor): string {
  const parts: string[] = [];
  const u = a.user;
  if (u) {
    const account = u.account?.uid
      ? ` in account ${escapeText(u.account.uid)}${u.account.account ? ` (${escapeText(u.account.account)})` : ""}`
      : "";
    parts.push(`${code(u.name ?? u.uid ?? a.id ?? "?", 200)}${u.type ? ` (${escapeText(u.type)})` : ""}${account}`);
    if (u.credentialUid) parts.push(`credential ${code(u.credentialUid, 128)}`);
  }
  const s = a.session;
  if (s) {
    const facts = [
      s.uid ? `session ${code(s.uid, 200)}` : "session",
      s.mfaStatus ? `MFA ${escapeText(s.mfaStatus.toLowerCase())}` : "",
      s.createdTime !== undefined ? `started ${escapeText(formatTime(s.createdTime))}` : "",
      s.issuer ? `issued by ${code(s.issuer, 300)}` : "",
    ].filter((p) => p);
    parts.push(facts.join(", "));
  }
  if (a.process?.name || a.process?.path) parts.push(`process ${code(a.process.path ?? a.process.name, 300)}`);
  if (parts.length === 0) parts.push(code(a.id ?? "unknown actor", 200));
  return `• ${parts.join(" — ")}`;
}

function endpointLine(e: SequenceEndpoint): string {
  const address = e.ip ?? e.domain ?? e.id ?? "?";
  const where = [e.location?.city, e.location?.country].filter((p) => p).join(", ");
  const as = e.autonomousSystem;
  const asText = as?.name || as?.number !== undefined ? `${as.number !== undefined ? `AS${as.number} ` : ""}${as.name ?? ""}`.trim() : "";
  const direction = e.connection?.direction ? ` (${escapeText(e.connection.direction.toLowerCase())})` : "";
  const domain = e.ip && e.domain ? ` ${code(e.domain, 200)}` : "";
  return `• ${code(`${address}${e.port !== undefined ? `:${e.port}` : ""}`, 200)}${domain}${[where, asText]
    .filter((p) => p)
    .map((p) => ` — ${escapeText(p)}`)
    .join("")}${direction}`;
}

function resourceLine(r: SequenceResource): string {
  const type = r.resourceType ? `${escapeText(r.resourceType)} ` : "";
  const id = r.name && r.uid && r.name !== r.uid ? `${code(r.name, 200)} (${code(r.uid, 300)})` : code(r.name ?? r.uid ?? "?", 300);
  const where = [r.region, r.accountId].filter((p) => p).map((p) => escapeText(p ?? ""));
  return `• ${type}${id}${where.length ? ` — ${where.join(", ")}` : ""}`;
}

function listSection(title: string, lines: readonly string[], noun: string, budget: number) {
  if (lines.length === 0) return undefined;
  return section(`*${title}* (${lines.length})\n${boundedLines(lines, noun, budget - title.length - 10)}`);
}

/** True for an Extended Threat Detection finding: an `AttackSequence:*` type or a sequence in `service.detection`. */
export function isAttackSequence(finding: GuardDutyFinding): boolean {
  return finding.type.startsWith("AttackSequence:") || finding.service?.detection?.sequence !== undefined;
}

/**
 * An attack sequence tells a story the usual finding fields don't have (the finding's `resource` is
 * just `AttackSequence`): what GuardDuty saw, step by step (signals in order, with count and time),
 * who did it (actors and their sessions), from where (endpoints with location and network), and to
 * what (resources).
 * https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-extended-threat-detection.html
 */
export function formatAttackSequence(
  finding: GuardDutyFinding,
  envelope: Envelope,
  origin: Origin,
  { accountNames }: FormatOptions,
  severityLine: { readonly label: string; readonly emoji: string; readonly text: string; readonly sample: boolean },
): Formatted {
  const sequence: AttackSequence = finding.service?.detection?.sequence ?? {};
  const severity = Number(finding.severity);
  const region = finding.region ?? envelope.region;
  const accountId = finding.accountId ?? envelope.account;
  const partition = partitionOf(finding.partition, finding.arn, region, origin.topicArn);
  const title = finding.title ?? finding.type;
  const samplePrefix = severityLine.sample ? "[SAMPLE] " : "";
  const url =
    finding.id && /^[A-Za-z0-9._-]{1,128}$/.test(finding.id)
      ? consoleUrl(partition, region, "guardduty", `/findings?macros=current&fId=${encodeURIComponent(finding.id)}`)
      : undefined;

  const signals = orderedSignals(sequence.signals ?? []);
  const actors = sequence.actors ?? [];
  const endpoints = sequence.endpoints ?? [];
  const resources = sequence.resources ?? [];
  const indicators = (sequence.sequenceIndicators ?? [])
    .filter((i) => i.values?.length)
    .map((i) => `*${escapeText(i.title ?? i.key ?? "Indicator")}:* ${escapeText((i.values ?? []).join(", "))}`);
  const story = sequence.description ?? finding.description;
  const counts = [
    [signals.length, "signal"],
    [actors.length, "actor"],
    [endpoints.length, "endpoint"],
    [resources.length, "resource"],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, w]) => `${n} ${w}${n === 1 ? "" : "s"}`)
    .join(", ");

  const blocks = [
    header(`${severityLine.emoji} ${samplePrefix}GuardDuty ${severityLine.label}: ${title}`),
    severityLine.sample
      ? section(":test_tube: *SAMPLE finding* generated by GuardDuty (CreateSampleFindings); not a real detection.")
      : undefined,
    section(`:chains: *Attack sequence* ${code(finding.type, 200)}${story ? `\n${safe(story, BUDGET.description)}` : ""}`),
    ...fieldsSections([
      { label: "Severity", value: `${severityLine.emoji} ${escapeText(severityLine.text)}`, trusted: true },
      { label: "Account", value: accountLabel(accountId, accountNames), trusted: true },
      { label: "Region", value: region },
      { label: "First seen", value: formatTime(finding.service?.eventFirstSeen) },
      { label: "Last seen", value: formatTime(finding.service?.eventLastSeen ?? finding.updatedAt) },
      { label: "Involves", value: counts },
    ]),
    listSection(
      "Signals, in order",
      signals.map((s, i) => signalLine(s, i + 1)),
      "signals",
      BUDGET.signals,
    ),
    listSection("Actors", actors.map(actorLine), "actors", BUDGET.actors),
    listSection("Network endpoints", endpoints.map(endpointLine), "endpoints", BUDGET.endpoints),
    listSection("Affected resources", resources.map(resourceLine), "resources", BUDGET.resources),
    indicators.length ? context(boundedLines(indicators, "indicators", BUDGET.indicators)) : undefined,
    finding.id ? context(`Finding id: ${code(finding.id, 200)}`) : undefined,
    linkButton("Open in GuardDuty console", url, "open-guardduty-finding"),
  ];

  const where = [accountLabel(accountId, accountNames), escapeText(region ?? "")].filter((p) => p).join(" ");
  const fallback = `${samplePrefix}GuardDuty ${escapeText(severityLine.text)} attack sequence: ${safe(title, 200)}${where ? ` (${where})` : ""}`;
  return { kind: "guardduty", severity: Number.isFinite(severity) ? severity : 9, message: message(fallback, blocks) };
}
