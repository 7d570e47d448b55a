import type {
  ActionsBlock,
  Button,
  ContextBlock,
  HeaderBlock,
  KnownBlock,
  MrkdwnElement,
  PlainTextElement,
  SectionBlock,
} from "@slack/types";

/**
 * What an incoming webhook receives. `text` is the notification/fallback text; `blocks` is what the
 * channel shows. Unfurling is off so an attacker-chosen URL in an event is never fetched by Slack.
 */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: KnownBlock[];
  readonly unfurl_links: false;
  readonly unfurl_media: false;
}

/**
 * Slack's documented limits for the blocks used here.
 * https://docs.slack.dev/reference/block-kit/blocks (header, section, context, actions)
 */
export const LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  contextElements: 10,
  contextText: 3000,
  buttonText: 75,
  buttonUrl: 3000,
  blocksPerMessage: 50,
  /** Slack truncates `text` at 40,000 chars; a notification only needs a line. */
  fallbackText: 500,
} as const;

export const TRUNCATION_MARKER = "…(truncated)";

/**
 * Slack's escaping for mrkdwn and plain text: only these three characters are control characters,
 * and escaping them means no event value can open a link, a `<!channel>` or a `<@U…>` mention.
 * https://docs.slack.dev/messaging/formatting-message-text#escaping
 */
export function escapeText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Cuts `text` to at most `max` UTF-16 units, ending with the visible marker, never splitting an escape or a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= TRUNCATION_MARKER.length) return TRUNCATION_MARKER.slice(0, Math.max(max, 0));
  let cut = text.slice(0, max - TRUNCATION_MARKER.length);
  cut = cut.replace(/&[a-z]{0,3}$/, "");
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + TRUNCATION_MARKER;
}

/** Escapes an untrusted value and bounds it; every event value goes through this. */
export function safe(value: unknown, max: number = LIMITS.fieldText): string {
  return truncate(escapeText(display(value)), max);
}

/** Renders anything as a one-line-ish string; never throws (circular or exotic values become a placeholder). */
export function display(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "[unprintable]";
  }
}

/** Slack rejects empty text objects (minimum length 1). */
function nonEmpty(text: string): string {
  return text.length > 0 ? text : "-";
}

/** `verbatim: true` stops Slack from auto-linking URLs and channel names found in event values. */
export function mrkdwn(text: string, max: number = LIMITS.sectionText): MrkdwnElement {
  return { type: "mrkdwn", text: nonEmpty(truncate(text, max)), verbatim: true };
}

export function plain(text: string, max: number): PlainTextElement {
  return { type: "plain_text", text: nonEmpty(truncate(text, max)), emoji: true };
}

/** Header from an unescaped title: plain_text still gets Slack's escaping so `<!here>` stays literal. */
export function header(title: string): HeaderBlock {
  return { type: "header", text: plain(escapeText(title), LIMITS.headerText) };
}

/** Section from already-escaped mrkdwn. */
export function section(text: string): SectionBlock {
  return { type: "section", text: mrkdwn(text, LIMITS.sectionText) };
}

/** A label/value pair for `fieldsSection`. The value is untrusted and escaped here; `undefined`/empty values are dropped. */
export interface Field {
  readonly label: string;
  readonly value: unknown;
  /** Value is already escaped mrkdwn (for composed values). */
  readonly trusted?: boolean;
}

export function fieldText(f: Field): string {
  const value = f.trusted ? display(f.value) : escapeText(display(f.value));
  return truncate(`*${f.label}*\n${value}`, LIMITS.fieldText);
}

/** One or more sections of at most 10 fields each; empty values are left out. */
export function fieldsSections(fields: readonly Field[]): SectionBlock[] {
  const present = fields.filter((f) => display(f.value).trim() !== "");
  const out: SectionBlock[] = [];
  for (let i = 0; i < present.length; i += LIMITS.fieldsPerSection) {
    out.push({
      type: "section",
      fields: present.slice(i, i + LIMITS.fieldsPerSection).map((f) => mrkdwn(fieldText(f), LIMITS.fieldText)),
    });
  }
  return out;
}

/** Context line from already-escaped mrkdwn parts. */
export function context(...parts: string[]): ContextBlock {
  const elements = parts
    .filter((p) => p.length > 0)
    .slice(0, LIMITS.contextElements)
    .map((p) => mrkdwn(p, LIMITS.contextText));
  return { type: "context", elements: elements.length > 0 ? elements : [mrkdwn("-")] };
}

/**
 * A link button. The URL is a raw string property (no mrkdwn parsing), so it cannot smuggle a mention;
 * callers build it only from validated parts. Returns undefined for anything that is not https or too long.
 */
export function linkButton(label: string, url: string | undefined, actionId: string): ActionsBlock | undefined {
  if (url === undefined || !url.startsWith("https://") || url.length > LIMITS.buttonUrl) return undefined;
  const button: Button = { type: "button", text: plain(label, LIMITS.buttonText), url, action_id: actionId };
  return { type: "actions", elements: [button] };
}

/** A fenced code block from an untrusted string, bounded to a section's limit. */
export function codeBlock(raw: string, max: number = LIMITS.sectionText): string {
  const fence = "```";
  const body = truncate(escapeText(raw.replace(/```/g, "`\u200b``")), max - fence.length * 2 - 2);
  return `${fence}\n${body}\n${fence}`;
}

/** Builds the final message and enforces the message-level limits as a last line of defence. */
export function message(fallback: string, blocks: readonly (KnownBlock | undefined)[]): SlackMessage {
  const present = blocks.filter((b): b is KnownBlock => b !== undefined);
  let bounded = present;
  if (present.length > LIMITS.blocksPerMessage) {
    const dropped = present.length - (LIMITS.blocksPerMessage - 1);
    bounded = [...present.slice(0, LIMITS.blocksPerMessage - 1), context(`${TRUNCATION_MARKER}: ${dropped} more blocks left out`)];
  }
  return {
    text: nonEmpty(truncate(fallback, LIMITS.fallbackText)),
    blocks: bounded,
    unfurl_links: false,
    unfurl_media: false,
  };
}
