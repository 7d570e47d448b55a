import type { Context } from "aws-lambda";
import { formatIncoming } from "./format";
import { NOTIFIER_SERVICE_NAME } from "./contract";
import { Delivery } from "./deliver";
import { logger } from "./logger";
import type { Log } from "./logger";
import { publishCounts } from "./metrics";
import type { DeliveryCounts } from "./metrics";
import { splitRecords } from "./parse";
import type { SendOptions } from "./send";
import { parameterFor, settingsFromEnv } from "./settings";
import type { NotifierSettings } from "./settings";
import { errorReason } from "./errors";
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
  /** Time left in the invocation; 429 waits stop when it runs out. @default no deadline */
  readonly remainingMs?: () => number;
  /** Receives the invocation's counts (the handler writes them as EMF metrics). @default dropped */
  readonly publish?: (counts: DeliveryCounts) => void;
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
 * Posts one Slack message per SNS record (or one for a direct event). Every record is attempted.
 * A record that could not be delivered (after the fallbacks) makes the invocation fail afterwards,
 * so Lambda retries the event and finally hands it to the on-failure queue: that queue, not the
 * function's Errors metric, is what was lost. (A retry re-posts the records that did succeed:
 * duplicates beat lost alerts.)
 */
export async function notify(event: unknown, deps: NotifierDeps): Promise<NotifyResult> {
  const log = deps.log ?? logger;
  const delivery = new Delivery(deps);
  for (const problem of deps.settings.problems ?? []) {
    delivery.counts.SettingsProblems++;
    log.error("Notifier setting ignored", { reason: problem });
  }
  const items = splitRecords(event);
  let delivered = 0;
  const errors: string[] = [];
  for (const item of items) {
    const { kind, severity, message } = formatIncoming(item, { accountNames: deps.settings.accountNames });
    const parameter = parameterFor(severity, deps.settings);
    const facts = { kind, severity, parameter, messageId: item.origin.messageId };
    if (item.problem) log.error("Malformed record posted as raw JSON", { ...facts, reason: item.problem });
    try {
      const sent = await delivery.deliver(message, parameter);
      delivered++;
      delivery.counts.Delivered++;
      log.info("Posted to Slack", { ...facts, attempts: sent.attempts, fallback: sent.fallback });
    } catch (err) {
      const reason = errorReason(err);
      errors.push(reason);
      delivery.counts.NotDelivered++;
      log.error("Slack delivery failed", { ...facts, reason });
    }
  }
  deps.publish?.(delivery.counts);
  const result = { delivered, failed: errors.length };
  if (errors.length > 0) {
    throw new NotifyError(`${errors.length} of ${items.length} Slack deliveries failed: ${errors.join("; ")}`, result);
  }
  return result;
}

let deps: Pick<NotifierDeps, "settings" | "resolveWebhook" | "log"> | undefined;

/** Lambda entry point (`index.handler` in the bundle). Settings are read once per container. */
export async function handler(event: unknown, context?: Context): Promise<NotifyResult> {
  if (context) logger.addContext(context);
  deps ??= { settings: settingsFromEnv(process.env), resolveWebhook: ssmWebhookResolver(), log: logger };
  const functionName = context?.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? NOTIFIER_SERVICE_NAME;
  return notify(event, {
    ...deps,
    remainingMs: context ? () => context.getRemainingTimeInMillis() : undefined,
    publish: (counts) => publishCounts(counts, functionName),
  });
}
