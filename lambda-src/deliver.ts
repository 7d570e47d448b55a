/**
 * Delivering one formatted message, with the fallbacks that keep an alert from being lost: a
 * rotated webhook is re-read, a refused payload is re-sent as plain text, a broken severity route
 * falls back to the default webhook. Every step is counted for the EMF metrics.
 */
import { code, escapeText, plainTextVersion, withNotice } from "./format/blocks";
import type { SlackMessage } from "./format/blocks";
import { logger } from "./logger";
import type { Log } from "./logger";
import { emptyCounts } from "./metrics";
import { postToSlack, SlackDeliveryError } from "./send";
import type { SendOptions, SendResult } from "./send";
import type { NotifierSettings } from "./settings";
import { errorReason } from "./errors";
import type { WebhookResolver } from "./webhook";

/** What one invocation's deliveries need. */
export interface DeliveryDeps {
  readonly settings: Pick<NotifierSettings, "defaultParameter" | "routingProblem">;
  readonly resolveWebhook: WebhookResolver;
  readonly sendOptions?: SendOptions;
  readonly log?: Log;
  readonly remainingMs?: () => number;
}

/** Slack's answers for a webhook that was revoked or deleted (a rotated URL). */
const GONE = new Set([403, 404, 410]);

function statusOf(err: unknown): number | undefined {
  return err instanceof SlackDeliveryError ? err.status : undefined;
}

/** One invocation's delivery: the fallbacks of README "When delivery fails", in order. */
export class Delivery {
  readonly counts = emptyCounts();
  private readonly log: Log;
  private readonly sendOptions: SendOptions;

  constructor(private readonly deps: DeliveryDeps) {
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
