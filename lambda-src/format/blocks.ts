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
  /**
   * Total text of all blocks in one message. Slack's cumulative limit is undocumented (users report
   * `invalid_blocks` from about 12,000 characters), so messages stay under 10,000.
   */
  messageText: 10_000,
} as const;

export const TRUNCATION_MARKER = "…(truncated)";

/**
 * Slack's escaping for mrkdwn and plain text: only these three characters are control characters,
 * and escaping them means no event value can open a link, a `<!channel>` or a `<@U…>` mention.
 * https://docs.slack.dev/messaging/formatting-message-text#escaping
 */
export function escapeText(value: string): string {
  return wellFormed(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Replaces lone surrogates with U+FFFD (what `String.prototype.toWellFormed` does): JSON.stringify
 * keeps them as `\udXXX` escapes, which are not valid UTF-8 once Slack decodes them.
 */
export function wellFormed(value: string): string {
  return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

/**
 * An untrusted value as an inline code span. Slack has no escape inside backticks, so a backtick
 * in the value (which would close the span and let the rest be read as mrkdwn) becomes U+02CB
 * MODIFIER LETTER GRAVE ACCENT, and line breaks (which end a span) become spaces.
 */
export function code(value: unknown, max = 500): string {
  const text = display(value)
    .replace(/`/g, "\u02cb")
    .replace(/[\r\n]+/g, " ");
  return `\`${truncate(escapeText(text), max)}\``;
}

/**
 * Lines up to `budget` characters (and at most `maxLines`), then "… N more <noun>" for the rest,
 * so a cut list always says how much was left out.
 */
export function boundedLines(lines: readonly string[], noun: string, budget: number = LIMITS.sectionText - 200, maxLines = 50): string {
  const out: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (out.length >= maxLines || used + line.length + 1 > budget) break;
    out.push(line);
    used += line.length + 1;
  }
  const left = lines.length - out.length;
  if (left > 0) out.push(`… ${left} more ${noun}`);
  return out.join("\n");
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
  return { type: "mrkdwn", text: nonEmpty(truncate(wellFormed(text), max)), verbatim: true };
}

export function plain(text: string, max: number): PlainTextElement {
  return { type: "plain_text", text: nonEmpty(truncate(wellFormed(text), max)), emoji: true };
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

/** Characters of text a block shows (what counts toward Slack's cumulative limit). */
export function blockTextLength(block: KnownBlock): number {
  let n = 0;
  const add = (t: { text?: unknown } | undefined) => {
    if (t && typeof t.text === "string") n += t.text.length;
  };
  if (block.type === "header") add(block.text);
  if (block.type === "section") {
    add(block.text);
    for (const f of block.fields ?? []) add(f);
  }
  if (block.type === "context") for (const e of block.elements) add(e as { text?: unknown });
  if (block.type === "actions") for (const e of block.elements) add((e as { text?: { text?: unknown } }).text);
  return n;
}

/** Room kept for the "… N more" line and a routing notice added later. */
const NOTICE_ROOM = 600;

/**
 * Builds the final message and enforces the message-level limits as a last line of defence: at most
 * 50 blocks and about 10,000 characters of block text. Blocks past either limit are replaced by one
 * "… N more blocks not shown" line (a long section is cut to fit first); link buttons are kept.
 */
export function message(fallback: string, blocks: readonly (KnownBlock | undefined)[]): SlackMessage {
  const present = blocks.filter((b): b is KnownBlock => b !== undefined);
  const buttons = present.filter((b) => b.type === "actions");
  const content = present.filter((b) => b.type !== "actions");
  const maxContent = LIMITS.blocksPerMessage - 1 - Math.min(buttons.length, 5);
  let budget = LIMITS.messageText - NOTICE_ROOM - buttons.reduce((n, b) => n + blockTextLength(b), 0);
  const kept: KnownBlock[] = [];
  let dropped = 0;
  for (const block of content) {
    const size = blockTextLength(block);
    if (dropped === 0 && kept.length < maxContent && size <= budget) {
      kept.push(block);
      budget -= size;
    } else if (dropped === 0 && kept.length < maxContent && block.type === "section" && block.text && !block.fields && budget > 500) {
      kept.push({ ...block, text: mrkdwn(block.text.text, budget) });
      budget = 0;
    } else {
      dropped++;
    }
  }
  const bounded = [...kept];
  if (dropped > 0) bounded.push(context(`… ${dropped} more block(s) not shown (message size limit)`));
  bounded.push(...buttons.slice(0, 5));
  return {
    text: nonEmpty(truncate(wellFormed(fallback), LIMITS.fallbackText)),
    blocks: bounded,
    unfurl_links: false,
    unfurl_media: false,
  };
}

/** Adds a notice (already-escaped mrkdwn) right under the header, keeping the message's limits. */
export function withNotice(m: SlackMessage, notice: string): SlackMessage {
  const [first, ...rest] = m.blocks;
  const blocks = first?.type === "header" ? [first, context(notice), ...rest] : [context(notice), ...m.blocks];
  return message(m.text, blocks);
}

/**
 * The message as one plain mrkdwn `text` without blocks, for when Slack refuses the blocks (HTTP 400):
 * every text the blocks showed, in order, plus the console links. Values are already escaped.
 */
export function plainTextVersion(m: SlackMessage, note: string): { text: string; unfurl_links: false; unfurl_media: false } {
  const lines: string[] = [];
  for (const block of m.blocks) {
    if (block.type === "header" || (block.type === "section" && block.text)) lines.push((block as { text: { text: string } }).text.text);
    if (block.type === "section") for (const f of block.fields ?? []) lines.push(f.text.replace(/\n/g, " "));
    if (block.type === "context") for (const e of block.elements) if ("text" in e && typeof e.text === "string") lines.push(e.text);
    if (block.type === "actions") {
      for (const e of block.elements) {
        const b = e as { text?: { text?: string }; url?: string };
        if (b.url) lines.push(`${b.text?.text ?? "Link"}: ${escapeText(b.url)}`);
      }
    }
  }
  lines.push(note);
  const body = truncate(wellFormed(lines.join("\n")), LIMITS.messageText - note.length - 1);
  return { text: body.endsWith(note) ? body : `${body}\n${note}`, unfurl_links: false, unfurl_media: false };
}
