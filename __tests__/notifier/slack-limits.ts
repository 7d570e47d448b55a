/**
 * An independent checker for Slack's Block Kit limits and the notifier's safety invariants, written
 * against Slack's reference (https://docs.slack.dev/reference/block-kit/blocks), not against the
 * notifier's own helpers, so a bug in those helpers cannot hide here.
 */

const MAX = {
  blocks: 50,
  header: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  textObject: 3000,
  buttonText: 75,
  url: 3000,
  actionElements: 25,
  actionId: 255,
  topLevelText: 40000,
};

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Every string shown to a reader: top-level text and all text objects. */
export function allTexts(message: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isObj(v)) {
      if ((v.type === "mrkdwn" || v.type === "plain_text") && typeof v.text === "string") out.push(v.text);
      for (const [k, child] of Object.entries(v)) if (k !== "text" || typeof child !== "string") walk(child);
    }
  };
  if (isObj(message) && typeof message.text === "string") out.push(message.text);
  walk(isObj(message) ? message.blocks : undefined);
  return out;
}

/** The reader-visible text as one string, for "contains" assertions. */
export function visibleText(message: unknown): string {
  return allTexts(message).join("\n");
}

/** Slack's escaping, independently: what an event value looks like once safely embedded. */
export function slackEscaped(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function checkTextObject(t: unknown, where: string, max: number, errors: string[], allowed = ["plain_text", "mrkdwn"]): void {
  if (!isObj(t) || typeof t.text !== "string" || !allowed.includes(String(t.type))) {
    errors.push(`${where}: not a ${allowed.join("/")} text object`);
    return;
  }
  if (t.text.length < 1) errors.push(`${where}: empty text`);
  if (t.text.length > max) errors.push(`${where}: ${t.text.length} > ${max} chars`);
  if (t.type === "mrkdwn" && t.verbatim !== true) errors.push(`${where}: mrkdwn without verbatim: true (Slack would auto-link)`);
}

/**
 * Returns the list of violations (empty when the message is valid and safe). Safety: no `<` or `>`
 * anywhere in reader-visible text (the notifier builds no mrkdwn links, so any angle bracket is an
 * unescaped event value) and every `&` starts one of Slack's three entities.
 */
export function slackViolations(message: unknown): string[] {
  const errors: string[] = [];
  if (!isObj(message)) return ["message is not an object"];
  if (typeof message.text !== "string" || message.text.length < 1) errors.push("top-level text missing (needed as fallback)");
  else if (message.text.length > MAX.topLevelText) errors.push(`top-level text ${message.text.length} > ${MAX.topLevelText}`);
  if (!Array.isArray(message.blocks) || message.blocks.length < 1) return [...errors, "no blocks"];
  if (message.blocks.length > MAX.blocks) errors.push(`${message.blocks.length} blocks > ${MAX.blocks}`);
  const actionIds = new Set<string>();

  message.blocks.forEach((block: unknown, i) => {
    const at = `blocks[${i}]`;
    if (!isObj(block)) {
      errors.push(`${at}: not an object`);
      return;
    }
    switch (block.type) {
      case "header":
        checkTextObject(block.text, `${at}.text`, MAX.header, errors, ["plain_text"]);
        break;
      case "section": {
        if (block.text === undefined && block.fields === undefined) errors.push(`${at}: section without text or fields`);
        if (block.text !== undefined) checkTextObject(block.text, `${at}.text`, MAX.sectionText, errors);
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields) || block.fields.length < 1) errors.push(`${at}.fields: empty`);
          else {
            if (block.fields.length > MAX.fields) errors.push(`${at}.fields: ${block.fields.length} > ${MAX.fields}`);
            block.fields.forEach((f: unknown, j) => checkTextObject(f, `${at}.fields[${j}]`, MAX.fieldText, errors));
          }
        }
        break;
      }
      case "context":
        if (!Array.isArray(block.elements) || block.elements.length < 1) errors.push(`${at}.elements: empty`);
        else {
          if (block.elements.length > MAX.contextElements) errors.push(`${at}.elements: > ${MAX.contextElements}`);
          block.elements.forEach((e: unknown, j) => checkTextObject(e, `${at}.elements[${j}]`, MAX.textObject, errors));
        }
        break;
      case "actions":
        if (!Array.isArray(block.elements) || block.elements.length < 1 || block.elements.length > MAX.actionElements) {
          errors.push(`${at}.elements: bad count`);
          break;
        }
        block.elements.forEach((e: unknown, j) => {
          const w = `${at}.elements[${j}]`;
          if (!isObj(e) || e.type !== "button") {
            errors.push(`${w}: not a button`);
            return;
          }
          checkTextObject(e.text, `${w}.text`, MAX.buttonText, errors, ["plain_text"]);
          if (typeof e.url !== "string" || !e.url.startsWith("https://") || e.url.length > MAX.url) errors.push(`${w}.url invalid`);
          if (typeof e.action_id === "string") {
            if (e.action_id.length > MAX.actionId) errors.push(`${w}.action_id too long`);
            if (actionIds.has(e.action_id)) errors.push(`${w}.action_id duplicated`);
            actionIds.add(e.action_id);
          }
        });
        break;
      case "divider":
        break;
      default:
        errors.push(`${at}: unexpected block type ${String(block.type)}`);
    }
  });

  for (const text of allTexts(message)) {
    if (/[<>]/.test(text)) errors.push(`unescaped angle bracket in: ${text.slice(0, 80)}`);
    if (/&(?!amp;|lt;|gt;)/.test(text)) errors.push(`unescaped & in: ${text.slice(0, 80)}`);
  }
  return errors;
}
