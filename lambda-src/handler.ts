import type { Context } from "aws-lambda";
import { formatIncoming } from "./format";
import { code, escapeText, plainTextVersion, withNotice } from "./format/blocks";
import type { SlackMessage } from "./format/blocks";
import { logger } from "./logger";
import type { Log } from "./logger";
import { emptyCounts, publishCounts } from "./metrics";
import type { DeliveryCounts } from "./metrics";
import { splitRecords } from "./parse";
import { postToSlack, SlackDeliveryError } from "./send";
import type { SendOptions, SendResult } from "./send";
import { parameterFor, settingsFromEnv } from "./settings";
import type { NotifierSettings } from "./settings";
import { errorReason, ssmWebhookResolver } from "./webhook";
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

/** Slack's answers for a webhook that was revoked or deleted (a rotated URL). */
const GONE = new Set([403, 404, 410]);

function statusOf(err: unknown): number | undefined {
  return err instanceof SlackDeliveryError ? err.status : undefined;
}

/** One invocation's delivery: the fallbacks of README "When delivery fails", in order. */
class Delivery {
  readonly counts = emptyCounts();
  private readonly log: Log;
  private readonly sendOptions: SendOptions;

  constructor(private readonly deps: NotifierDeps) {
    this.log = deps.log ?? logger;
    this.sendOptions = { ...deps.sendOptions, ...(deps.remainingMs ? { remainingMs: deps.remainingMs } : {}) };
  }

  /** Posts, and on HTTP 400 re-posts once as plain text, so a formatting bug never costs an alert. */
  private async post(url: string, message: SlackMessage): Promise<SendResult> {
    try {
      const sent = await postToSlack(url, message, this.sendOptions);
      this.counts.RateLimited += sent.rateLimited;
      return sent;
    } catch (err) {
      if (statusOf(err) !== 400) throw err;
      const slackError = (err as SlackDeliveryError).slackError;
      this.counts.PlainTextFallback++;
      this.log.error("Slack refused the formatted message; re-posting it as plain text", { reason: errorReason(err) });
      const note = `_(Sent as plain text: Slack refused the formatted message${slackError ? ` with ${escapeText(slackError)}` : ""}.)_`;
      const sent = await postToSlack(url, plainTextVersion(message, note), this.sendOptions);
      this.counts.RateLimited += sent.rateLimited;
      return sent;
    }
  }

  /**
   * Resolves the parameter and posts. A 403/404/410 means the cached URL was revoked (a rotation):
   * the parameter is re-read past the cache and the message re-posted once.
   */
  private async via(parameter: string, message: SlackMessage): Promise<SendResult> {
    const url = await this.deps.resolveWebhook(parameter);
    try {
      return await this.post(url, message);
    } catch (err) {
      const status = statusOf(err);
      if (status === undefined || !GONE.has(status)) throw err;
      this.counts.WebhookRefetched++;
      const fresh = await this.deps.resolveWebhook(parameter, { forceFetch: true });
      this.log.warn("Slack refused the webhook; re-read its parameter and re-posting", { parameter, status, changed: fresh !== url });
      return await this.post(fresh, message);
    }
  }

  /**
   * Delivers one message to its severity route. If the route cannot be used (its parameter is
   * missing or unreadable, its webhook dead), the message goes to the default webhook with a line
   * saying routing failed, and the failure is logged and counted (`RoutingFailed`).
   */
  async deliver(message: SlackMessage, route: string): Promise<SendResult & { readonly fallback: boolean }> {
    const { defaultParameter, routingProblem } = this.deps.settings;
    let m = message;
    if (routingProblem) {
      this.counts.RoutingFailed++;
      m = withNotice(m, `:warning: *Routing failed:* ${escapeText(routingProblem)}. Sent to the default webhook.`);
    }
    if (route === defaultParameter) return { ...(await this.via(route, m)), fallback: routingProblem !== undefined };
    try {
      return { ...(await this.via(route, m)), fallback: false };
    } catch (err) {
      const reason = errorReason(err);
      this.counts.RoutingFailed++;
      this.log.error("Webhook routing failed; sending to the default webhook", { parameter: route, reason });
      const notice = `:warning: *Routing failed:* the webhook in ${code(route, 300)} could not be used (${escapeText(reason)}). Sent to the default webhook instead.`;
      return { ...(await this.via(defaultParameter, withNotice(m, notice))), fallback: true };
    }
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
  const functionName = context?.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? "threat-alerts-notifier";
  return notify(event, {
    ...deps,
    remainingMs: context ? () => context.getRemainingTimeInMillis() : undefined,
    publish: (counts) => publishCounts(counts, functionName),
  });
}
