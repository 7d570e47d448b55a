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

/** Anything not recognised: who sent it and the raw event, truncated. Never throws. */
export function formatGeneric(payload: unknown, envelope: Envelope, origin: Origin, { accountNames }: FormatOptions): Formatted {
  const title = envelope.detailType ?? origin.subject ?? "AWS notification";
  const raw = pretty(payload);
  const blocks = [
    header(`:information_source: ${display(title)}`),
    ...fieldsSections([
      { label: "Source", value: envelope.source },
      { label: "Detail type", value: envelope.detailType },
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
    severity: NORMALIZED_SEVERITY.generic,
    message: message(fallback || `AWS notification: ${escapeText(raw.slice(0, 150))}`, blocks),
  };
}
