/** Retry and timeout knobs for one delivery; tests shrink the delays. */
export interface SendOptions {
  /** Per-attempt timeout. @default 5000 */
  readonly timeoutMs?: number;
  /** Attempts in total, including the first. @default 3 */
  readonly attempts?: number;
  /** First backoff delay; doubles on each retry. @default 250 */
  readonly baseDelayMs?: number;
  /** Upper bound for a 429 `Retry-After` (and for any backoff). @default 5000 */
  readonly maxDelayMs?: number;
}

const DEFAULTS: Required<SendOptions> = { timeoutMs: 5000, attempts: 3, baseDelayMs: 250, maxDelayMs: 5000 };

/** A delivery that did not succeed. The message carries the status, never the URL (it is the secret). */
export class SlackDeliveryError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly attempts: number,
  ) {
    super(message);
    this.name = "SlackDeliveryError";
  }
}

export interface SendResult {
  readonly status: number;
  readonly attempts: number;
}

type Outcome =
  | { readonly kind: "ok"; readonly status: number }
  | { readonly kind: "retry"; readonly reason: string; readonly status?: number; readonly retryAfterMs?: number }
  | { readonly kind: "fail"; readonly reason: string; readonly status: number };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `Retry-After` in seconds (Slack sends seconds); an HTTP date is also accepted. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Slack answers errors with a short code ("invalid_blocks", "no_text"); keep it short and printable. */
function bodyHint(body: string): string {
  const hint = body.replace(/[^\x20-\x7e]/g, "").slice(0, 100);
  return hint ? `: ${hint}` : "";
}

/** Duck-typed: errors from fetch may come from another realm (a VM context), where `instanceof Error` fails. */
function describeNetworkError(err: unknown, timeoutMs: number): string {
  const e = (typeof err === "object" && err !== null ? err : {}) as { name?: unknown; cause?: { code?: unknown } };
  if (e.name === "TimeoutError" || e.name === "AbortError") return `timed out after ${timeoutMs} ms`;
  // undici puts the socket error in `cause`; only its code is safe to report (messages can carry the host).
  const code = typeof e.cause?.code === "string" ? e.cause.code : typeof e.name === "string" ? e.name : "unknown";
  return `network error (${code})`;
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
  const reason = `HTTP ${response.status}${bodyHint(text)}`;
  if (response.status === 429) {
    return { kind: "retry", reason, status: 429, retryAfterMs: retryAfterMs(response.headers.get("retry-after")) };
  }
  if (response.status >= 500) return { kind: "retry", reason, status: response.status };
  return { kind: "fail", reason, status: response.status };
}

/**
 * POSTs a JSON payload to a Slack incoming webhook with Node's global fetch. Network errors,
 * timeouts, 5xx and 429 are retried with exponential backoff (429 waits for `Retry-After`, capped);
 * other 4xx are final. Throws `SlackDeliveryError` when the message was not delivered, so Lambda's
 * async retries and on-failure destination take over.
 * https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks#handling_errors
 */
export async function postToSlack(url: string, payload: unknown, options: SendOptions = {}): Promise<SendResult> {
  const o = { ...DEFAULTS, ...options };
  const attempts = Math.max(1, Math.floor(o.attempts));
  const body = JSON.stringify(payload);
  let last: Outcome | undefined;
  for (let i = 1; i <= attempts; i++) {
    last = await attempt(url, body, o.timeoutMs);
    if (last.kind === "ok") return { status: last.status, attempts: i };
    if (last.kind === "fail") throw new SlackDeliveryError(`Slack rejected the message (${last.reason}); not retried`, last.status, i);
    if (i < attempts) {
      const backoff = o.baseDelayMs * 2 ** (i - 1);
      await sleep(Math.min(last.retryAfterMs ?? backoff, o.maxDelayMs));
    }
  }
  const status = last && last.kind === "retry" ? last.status : undefined;
  const reason = last && last.kind !== "ok" ? last.reason : "unknown";
  throw new SlackDeliveryError(`Slack delivery failed after ${attempts} attempts (${reason})`, status, attempts);
}
