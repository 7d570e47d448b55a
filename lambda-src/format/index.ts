import { classify } from "../parse";
import type { Classified, Incoming } from "../parse";
import { formatAlarm } from "./alarm";
import { formatConfig } from "./config";
import { formatGeneric } from "./generic";
import { formatGuardDuty } from "./guardduty";
import { formatSecurityHub } from "./securityhub";
import type { FormatOptions, Formatted } from "./types";

export type { FormatOptions, Formatted } from "./types";

function formatClassified(c: Classified, options: FormatOptions): Formatted {
  switch (c.kind) {
    case "guardduty":
      return formatGuardDuty(c.finding, c.envelope, c.origin, options);
    case "alarm":
      return formatAlarm(c.alarm, c.origin, options);
    case "config":
      return formatConfig(c.change, c.envelope, c.origin, options);
    case "securityhub":
      return formatSecurityHub(c.findings, c.unparsed, c.envelope, c.origin, options);
    case "generic":
      return formatGeneric(c.payload, c.envelope, c.origin, options);
  }
}

/**
 * Classifies and formats one payload. A formatter that trips over an unexpected shape falls back to
 * the generic message with the raw payload, and if even that fails, to a fixed one: never throws.
 */
export function formatIncoming(incoming: Incoming, options: FormatOptions): Formatted {
  try {
    const f = formatClassified(classify(incoming), options);
    // Routing works on GuardDuty's 0-10 scale whatever an event claims (-5, 1e9, NaN).
    return { ...f, severity: Number.isFinite(f.severity) ? Math.min(10, Math.max(0, f.severity)) : 0 };
  } catch {
    // fall through to the generic message
  }
  try {
    return formatGeneric(incoming.payload, {}, incoming.origin, options);
  } catch {
    return formatGeneric("(event could not be formatted)", {}, {}, options);
  }
}
