import type { Context } from "aws-lambda";
import { formatIncoming } from "./format";
import { logger } from "./logger";
import type { Log } from "./logger";
import { splitRecords } from "./parse";
import { postToSlack } from "./send";
import type { SendOptions } from "./send";
import { parameterFor, settingsFromEnv } from "./settings";
import type { NotifierSettings } from "./settings";
import { ssmWebhookResolver } from "./webhook";
import type { WebhookResolver } from "./webhook";

/** What `notify` needs; the Lambda handler builds it from the environment, tests inject their own. */
export interface NotifierDeps {
  readonly settings: NotifierSettings;
  readonly resolveWebhook: WebhookResolver;
  /** @default postToSlack's defaults (5 s timeout, 3 attempts) */
  readonly sendOptions?: SendOptions;
  /** @default the Powertools logger */
  readonly log?: Log;
}

export interface NotifyResult {
  readonly delivered: number;
  readonly failed: number;
}

export class NotifyError extends Error {
  constructor(
    message: string,
    readonly result: NotifyResult,
  ) {
    super(message);
    this.name = "NotifyError";
  }
}

/**
 * Posts one Slack message per SNS record (or one for a direct event). Every record is attempted;
 * if any failed, throws afterwards so Lambda retries the event and then hands it to the on-failure
 * destination. (A retry re-posts the records that did succeed: duplicates beat lost alerts.)
 */
export async function notify(event: unknown, deps: NotifierDeps): Promise<NotifyResult> {
  const log = deps.log ?? logger;
  const items = splitRecords(event);
  let delivered = 0;
  const errors: string[] = [];
  for (const item of items) {
    const { kind, severity, message } = formatIncoming(item, { accountNames: deps.settings.accountNames });
    const parameter = parameterFor(severity, deps.settings);
    const facts = { kind, severity, parameter, messageId: item.origin.messageId };
    try {
      const url = await deps.resolveWebhook(parameter);
      const sent = await postToSlack(url, message, deps.sendOptions);
      delivered++;
      log.info("Posted to Slack", { ...facts, attempts: sent.attempts });
    } catch (err) {
      // Errors from the SDK or fetch may come from another realm; read `message` by shape.
      const errorMessage = (err as { message?: unknown } | null)?.message;
      const reason = typeof errorMessage === "string" ? errorMessage : String(err);
      errors.push(reason);
      log.error("Slack delivery failed", { ...facts, reason });
    }
  }
  const result = { delivered, failed: errors.length };
  if (errors.length > 0) {
    throw new NotifyError(`${errors.length} of ${items.length} Slack deliveries failed: ${errors.join("; ")}`, result);
  }
  return result;
}

let deps: NotifierDeps | undefined;

/** Lambda entry point (`index.handler` in the bundle). Settings are read once per container. */
export async function handler(event: unknown, context?: Context): Promise<NotifyResult> {
  if (context) logger.addContext(context);
  deps ??= { settings: settingsFromEnv(process.env), resolveWebhook: ssmWebhookResolver(), log: logger };
  return notify(event, deps);
}
