import type { Envelope, Origin } from "../parse";
import { accountLabel } from "./aws";
import { codeBlock, display, escapeText, fieldsSections, header, message, safe, section } from "./blocks";
import type { FormatOptions, Formatted } from "./types";
import { NORMALIZED_SEVERITY } from "./types";

/** Room for the code block once the header and fields are in; well under a section's 3000. */
const RAW_BUDGET = 2800;

function pretty(payload: unknown): string {
  if (typeof payload === "string") return payload;
  try {
    return JSON.stringify(payload, null, 2) ?? String(payload);
  } catch {
    return display(payload);
  }
}

const LABELS: Record<string, number> = { CRITICAL: 9, HIGH: 7, MEDIUM: 4, LOW: 1, INFORMATIONAL: 0 };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A GuardDuty-scale number from `8`, `"8.0"`, or a label (`HIGH`). */
function severityValue(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 && value <= 10 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const label = LABELS[value.trim().toUpperCase()];
  if (label !== undefined) return label;
  const n = Number(value);
  return value.trim() !== "" && Number.isFinite(n) && n >= 0 && n <= 10 ? n : undefined;
}

/** ASFF `Severity`: `Normalized` is 0-100, `Label` a word. */
function asffSeverity(value: unknown): number | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.Normalized === "number" && value.Normalized >= 0 && value.Normalized <= 100) return value.Normalized / 10;
  return severityValue(value.Label);
}

/**
 * The highest severity a GuardDuty or Security Hub event carries even when its schema did not parse
 * (a missing `type`, findings that are not ASFF), so it is still routed like one: a malformed
 * critical finding goes to the critical webhook. Other sources get none.
 */
export function severityHint(payload: unknown, envelope: Envelope): number | undefined {
  if (!isObject(payload)) return undefined;
  const source = envelope.source ?? (typeof payload.source === "string" ? payload.source : undefined);
  const detailType = envelope.detailType ?? (typeof payload["detail-type"] === "string" ? payload["detail-type"] : undefined);
  const detail = isObject(payload.detail) ? payload.detail : payload;
  const guardDuty = source === "aws.guardduty" || detailType === "GuardDuty Finding";
  const hub = source === "aws.securityhub" || detailType?.startsWith("Security Hub Findings") === true;
  if (!guardDuty && !hub) return undefined;
  const found: number[] = [];
  const push = (n: number | undefined) => {
    if (n !== undefined) found.push(n);
  };
  push(severityValue(detail.severity));
  push(asffSeverity(detail.Severity));
  if (Array.isArray(detail.findings)) {
    for (const f of detail.findings.slice(0, 100)) if (isObject(f)) push(asffSeverity(f.Severity) ?? severityValue(f.severity));
  }
  return found.length > 0 ? Math.max(...found) : undefined;
}

/** Anything not recognised: who sent it and the raw event, truncated. Never throws. */
export function formatGeneric(payload: unknown, envelope: Envelope, origin: Origin, { accountNames }: FormatOptions): Formatted {
  const title = envelope.detailType ?? origin.subject ?? "AWS notification";
  const raw = pretty(payload);
  const severity = severityHint(payload, envelope);
  const blocks = [
    header(`:information_source: ${display(title)}`),
    ...fieldsSections([
      { label: "Source", value: envelope.source },
      { label: "Detail type", value: envelope.detailType },
      { label: "Severity", value: severity },
      { label: "Subject", value: origin.subject },
      { label: "Account", value: accountLabel(envelope.account, accountNames), trusted: true },
      { label: "Region", value: envelope.region },
      { label: "Time", value: envelope.time },
      { label: "Topic", value: origin.topicArn },
    ]),
    raw.trim() === "" ? undefined : section(codeBlock(raw, RAW_BUDGET)),
  ];
  const fallback = [envelope.source, envelope.detailType ?? origin.subject]
    .filter((p) => p)
    .map((p) => safe(p, 150))
    .join(": ");
  return {
    kind: "generic",
    severity: severity ?? NORMALIZED_SEVERITY.generic,
    message: message(fallback || `AWS notification: ${escapeText(raw.slice(0, 150))}`, blocks),
  };
}
