/** Retry and timeout knobs for one delivery; tests shrink the delays. */
export interface SendOptions {
  /** Per-attempt timeout (shortened to what the deadline leaves). @default 5000 */
  readonly timeoutMs?: number;
  /** Attempts in total for network errors, timeouts and 5xx, including the first. @default 3 */
  readonly attempts?: number;
  /** First backoff delay; doubles on each retry. @default 250 */
  readonly baseDelayMs?: number;
  /** Upper bound for a backoff, and for a 429 `Retry-After` when there is no deadline. @default 5000 */
  readonly maxDelayMs?: number;
  /**
   * Milliseconds left before the caller must stop (the handler passes the invocation's remaining
   * time). A 429 is retried for as long as its `Retry-After` fits in it. @default no deadline
   */
  readonly remainingMs?: () => number;
  /** Time kept back from the deadline for what follows (the next record, the return). @default 2000 */
  readonly reserveMs?: number;
  /** Upper bound on 429 retries even when time allows. @default 20 */
  readonly rateLimitAttempts?: number;
  /** Source of jitter in [0, 1). @default Math.random */
  readonly random?: () => number;
}

const DEFAULTS = {
  timeoutMs: 5000,
  attempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 5000,
  reserveMs: 2000,
  rateLimitAttempts: 20,
};

/** A delivery that did not succeed. The message carries the status, never the URL (it is the secret). */
export class SlackDeliveryError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly attempts: number,
    /** Slack's short error code (`invalid_blocks`), when the body was one. */
    readonly slackError?: string,
  ) {
    super(message);
    this.name = "SlackDeliveryError";
  }
}

export interface SendResult {
  readonly status: number;
  readonly attempts: number;
  /** 429 answers that were waited out. */
  readonly rateLimited: number;
}

type Outcome =
  | { readonly kind: "ok"; readonly status: number }
  | { readonly kind: "retry"; readonly reason: string; readonly status?: number; readonly retryAfterMs?: number }
  | { readonly kind: "fail"; readonly reason: string; readonly status: number; readonly slackError?: string };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `Retry-After` in seconds (Slack sends seconds); an HTTP date is also accepted. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Slack answers errors with a short code ("invalid_blocks", "no_text"). Only such a code is
 * reported; any other body (an HTML error page, a proxy's text) is left out of logs and errors.
 */
export function slackErrorCode(body: string): string | undefined {
  const t = body.trim();
  return /^[a-z][a-z0-9_]{0,63}$/.test(t) ? t : undefined;
}

/** Duck-typed: errors from fetch may come from another realm (a VM context), where `instanceof Error` fails. */
function describeNetworkError(err: unknown, timeoutMs: number): string {
  const e = (typeof err === "object" && err !== null ? err : {}) as { name?: unknown; cause?: { code?: unknown } };
  if (e.name === "TimeoutError" || e.name === "AbortError") return `TimeoutError: timed out after ${timeoutMs} ms`;
  // undici puts the socket error in `cause`; only its code is safe to report (messages can carry the host).
  const code = typeof e.cause?.code === "string" ? e.cause.code : "unknown";
  return `${typeof e.name === "string" ? e.name : "Error"}: network error (${code})`;
}

async function attempt(url: string, body: string, timeoutMs: number): Promise<Outcome> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
  } catch (err) {
    return { kind: "retry", reason: describeNetworkError(err, timeoutMs) };
  }
  let text = "";
  try {
    text = await response.text();
  } catch (err) {
    if (response.ok) return { kind: "ok", status: response.status };
    return { kind: "retry", reason: describeNetworkError(err, timeoutMs), status: response.status };
  }
  if (response.ok) return { kind: "ok", status: response.status };
  const code = slackErrorCode(text);
  const reason = `HTTP ${response.status}${code ? `: ${code}` : ""}`;
  if (response.status === 429) {
    return { kind: "retry", reason, status: 429, retryAfterMs: retryAfterMs(response.headers.get("retry-after")) };
  }
  if (response.status >= 500) return { kind: "retry", reason, status: response.status };
  return { kind: "fail", reason, status: response.status, slackError: code };
}

/**
 * POSTs a JSON payload to a Slack incoming webhook with Node's global fetch.
 *
 * - Network errors, timeouts and 5xx: retried `attempts` times with exponential backoff and jitter.
 * - 429: waits for `Retry-After` plus jitter (so concurrent invocations don't retry in lockstep),
 *   for as long as the wait fits before the deadline; a burst is delivered late rather than lost.
 * - Other 4xx: final (the caller decides: re-read a rotated webhook, re-post as plain text).
 *
 * Throws `SlackDeliveryError` when the message was not delivered.
 * https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks#handling_errors
 * https://docs.slack.dev/apis/web-api/rate-limits (incoming webhooks: about 1 message per second, 429 with Retry-After)
 */
export async function postToSlack(url: string, payload: unknown, options: SendOptions = {}): Promise<SendResult> {
  const o = { ...DEFAULTS, ...options };
  const random = options.random ?? Math.random;
  const remaining = options.remainingMs ?? (() => Number.POSITIVE_INFINITY);
  const maxFailures = Math.max(1, Math.floor(o.attempts));
  const body = JSON.stringify(payload);
  let failures = 0;
  let rateLimited = 0;
  let tries = 0;
  let last: Outcome | undefined;
  for (;;) {
    const budget = remaining() - o.reserveMs;
    if (tries > 0 && budget < 100) break;
    const timeoutMs = Math.max(100, Math.min(o.timeoutMs, budget));
    tries++;
    last = await attempt(url, body, timeoutMs);
    if (last.kind === "ok") return { status: last.status, attempts: tries, rateLimited };
    if (last.kind === "fail") {
      throw new SlackDeliveryError(`Slack rejected the message (${last.reason}); not retried`, last.status, tries, last.slackError);
    }
    let wait: number;
    if (last.status === 429) {
      rateLimited++;
      if (rateLimited > o.rateLimitAttempts) break;
      const asked = last.retryAfterMs ?? o.baseDelayMs * 2 ** Math.min(rateLimited - 1, 10);
      wait = asked + random() * Math.min(1000, 100 + asked / 4);
      if (options.remainingMs === undefined) wait = Math.min(wait, o.maxDelayMs);
      // Waiting only makes sense if an attempt still fits after the wait.
      if (wait + 100 > remaining() - o.reserveMs) {
        throw new SlackDeliveryError(
          `Slack rate limit (${last.reason}): Retry-After ${Math.round(asked)} ms does not fit in the ${Math.max(
            0,
            Math.round(remaining()),
          )} ms left; gave up after ${tries} attempt(s)`,
          429,
          tries,
        );
      }
    } else {
      failures++;
      if (failures >= maxFailures) break;
      const backoff = Math.min(o.baseDelayMs * 2 ** (failures - 1), o.maxDelayMs);
      wait = backoff / 2 + random() * (backoff / 2);
      if (wait + 100 > remaining() - o.reserveMs) break;
    }
    await sleep(wait);
  }
  const status = last && last.kind === "retry" ? last.status : undefined;
  const reason = last && last.kind !== "ok" ? last.reason : "no time left for an attempt";
  throw new SlackDeliveryError(`Slack delivery failed after ${tries} attempt(s) (${reason})`, status, tries);
}
