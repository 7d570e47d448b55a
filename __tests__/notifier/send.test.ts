import { postToSlack, SlackDeliveryError } from "../../lambda-src/send";
import type { SendOptions } from "../../lambda-src/send";
import { FakeSlack } from "./slack-server";

/**
 * Tiny delays so retries are quick. The per-attempt timeout is generous: most tests count attempts,
 * and a 200 ms timeout on a loaded machine turned a slow 200 into a timeout and a second attempt.
 * The tests that are about the timeout set a short one themselves (HANG_TIMEOUT_MS).
 */
const FAST: SendOptions = { timeoutMs: 10_000, attempts: 3, baseDelayMs: 5, maxDelayMs: 50, random: () => 0.999 };
/** For tests where every timed-out attempt hangs: short, since only a never-answering request meets it. */
const HANG_TIMEOUT_MS = 200;
/** For the hang-then-succeed test: the succeeding attempt must not time out too, even under load. */
const HANG_THEN_OK_TIMEOUT_MS = 1500;
const PAYLOAD = { text: "hello", blocks: [] };

describe("postToSlack against a real HTTP server", () => {
  let slack: FakeSlack;
  // The first fetch in a jest worker loads undici (hundreds of ms on a busy machine): not what the short hang timeouts measure.
  beforeAll(async () => {
    const warm = await new FakeSlack().start();
    await fetch(warm.url(), { method: "POST", body: "{}" });
    await warm.stop();
  });
  beforeEach(async () => {
    slack = await new FakeSlack().start();
  });
  afterEach(async () => {
    await slack.stop();
  });

  it("posts the payload as JSON once when Slack answers 200", async () => {
    const result = await postToSlack(slack.url(), PAYLOAD, FAST);
    expect(result).toEqual({ status: 200, attempts: 1, rateLimited: 0 });
    expect(slack.requests).toHaveLength(1);
    expect(slack.requests[0]).toMatchObject({ method: "POST", path: "/services/T000/B000/secret-token" });
    expect(slack.requests[0].contentType).toMatch(/^application\/json/);
    expect(JSON.parse(slack.requests[0].body)).toEqual(PAYLOAD);
  });

  it("waits for Retry-After on 429, then succeeds", async () => {
    slack.script({ status: 429, headers: { "retry-after": "0.1" }, body: "rate_limited" });
    const result = await postToSlack(slack.url(), PAYLOAD, { ...FAST, maxDelayMs: 1000 });
    expect(result.attempts).toBe(2);
    const waited = slack.requests[1].at - slack.requests[0].at;
    expect(waited).toBeGreaterThanOrEqual(90);
  });

  it("caps a long Retry-After", async () => {
    slack.script({ status: 429, headers: { "retry-after": "3600" } });
    const start = Date.now();
    await postToSlack(slack.url(), PAYLOAD, { ...FAST, maxDelayMs: 30 });
    expect(Date.now() - start).toBeLessThan(1000);
    expect(slack.requests).toHaveLength(2);
  });

  it("retries a 500, then succeeds", async () => {
    slack.script({ status: 500 }, { status: 503 });
    const result = await postToSlack(slack.url(), PAYLOAD, FAST);
    expect(result).toEqual({ status: 200, attempts: 3, rateLimited: 0 });
    expect(slack.requests).toHaveLength(3);
  });

  it("backs off exponentially between retries", async () => {
    slack.script({ status: 500 }, { status: 500 });
    await postToSlack(slack.url(), PAYLOAD, { ...FAST, baseDelayMs: 40, maxDelayMs: 1000 });
    const [a, b, c] = slack.requests.map((r) => r.at);
    expect(b - a).toBeGreaterThanOrEqual(35);
    expect(c - b).toBeGreaterThanOrEqual(75);
  });

  it("times out a hanging request and succeeds on the retry", async () => {
    slack.script("hang");
    const start = Date.now();
    const result = await postToSlack(slack.url(), PAYLOAD, { ...FAST, timeoutMs: HANG_THEN_OK_TIMEOUT_MS });
    expect(result).toEqual({ status: 200, attempts: 2, rateLimited: 0 });
    expect(Date.now() - start).toBeGreaterThanOrEqual(HANG_THEN_OK_TIMEOUT_MS);
  });

  it("gives up with an error when every attempt hangs", async () => {
    slack.script("hang", "hang", "hang");
    await expect(postToSlack(slack.url(), PAYLOAD, { ...FAST, timeoutMs: HANG_TIMEOUT_MS })).rejects.toThrow(
      /failed after 3 attempt\(s\) \(TimeoutError: timed out after 200 ms\)/,
    );
    expect(slack.requests).toHaveLength(3);
  });

  it("throws after the last attempt when Slack keeps failing, with the status but not the URL", async () => {
    slack.script({ status: 500 }, { status: 502 }, { status: 503, body: "service_unavailable" });
    const error = await postToSlack(slack.url(), PAYLOAD, FAST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect((error as SlackDeliveryError).status).toBe(503);
    expect((error as SlackDeliveryError).attempts).toBe(3);
    expect((error as Error).message).toContain("HTTP 503: service_unavailable");
    expect((error as Error).message).not.toContain("secret-token");
    expect((error as Error).message).not.toContain("127.0.0.1");
    expect(slack.requests).toHaveLength(3);
  });

  it("does not retry a 400 and reports Slack's error code", async () => {
    slack.script({ status: 400, body: "invalid_blocks" });
    const error = await postToSlack(slack.url(), PAYLOAD, FAST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect((error as SlackDeliveryError).status).toBe(400);
    expect((error as Error).message).toMatch(/HTTP 400: invalid_blocks.*not retried/);
    expect((error as Error).message).not.toContain("secret-token");
    expect(slack.requests).toHaveLength(1);
  });

  it.each([403, 404, 410])("does not retry a %i", async (status) => {
    slack.script({ status });
    await expect(postToSlack(slack.url(), PAYLOAD, FAST)).rejects.toMatchObject({ status, attempts: 1 });
    expect(slack.requests).toHaveLength(1);
  });

  it("retries a refused connection and reports it without the URL", async () => {
    const url = slack.url();
    await slack.stop();
    const error = await postToSlack(url, PAYLOAD, FAST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect((error as Error).message).toMatch(/failed after 3 attempt\(s\) \(TypeError: network error \(ECONNREFUSED\)\)/);
    expect((error as Error).message).not.toContain("secret-token");
  });

  describe("bursts: 429 with Retry-After, bounded by the invocation's remaining time", () => {
    const deadlineIn = (ms: number) => {
      const end = Date.now() + ms;
      return () => end - Date.now();
    };

    it("waits out several 429s while time remains and delivers", async () => {
      slack.script(
        { status: 429, headers: { "retry-after": "0.1" }, body: "rate_limited" },
        { status: 429, headers: { "retry-after": "0.1" }, body: "rate_limited" },
        { status: 429, headers: { "retry-after": "0.1" }, body: "rate_limited" },
      );
      const result = await postToSlack(slack.url(), PAYLOAD, { ...FAST, remainingMs: deadlineIn(10_000), reserveMs: 500 });
      expect(result).toEqual({ status: 200, attempts: 4, rateLimited: 3 });
    });

    it("adds jitter on top of Retry-After", async () => {
      slack.script({ status: 429, headers: { "retry-after": "0.1" } });
      await postToSlack(slack.url(), PAYLOAD, { ...FAST, remainingMs: deadlineIn(10_000), reserveMs: 500, random: () => 0.99 });
      // 100 ms asked + 0.99 x (100 + 100/4) ms of jitter
      expect(slack.requests[1].at - slack.requests[0].at).toBeGreaterThanOrEqual(215);
    });

    it("gives up at once, with the reason, when Retry-After does not fit in the time left", async () => {
      slack.script({ status: 429, headers: { "retry-after": "30" }, body: "rate_limited" });
      const start = Date.now();
      const error = await postToSlack(slack.url(), PAYLOAD, { ...FAST, remainingMs: deadlineIn(5_000), reserveMs: 500 }).catch(
        (e: unknown) => e,
      );
      expect(Date.now() - start).toBeLessThan(1000);
      expect(error).toBeInstanceOf(SlackDeliveryError);
      expect((error as SlackDeliveryError).status).toBe(429);
      expect((error as Error).message).toMatch(/Retry-After 30000 ms does not fit in the \d+ ms left/);
      expect(slack.requests).toHaveLength(1);
    });

    it("does not start a retry after a 5xx when the deadline is too close", async () => {
      slack.script({ status: 503 }, { status: 503 });
      const error = await postToSlack(slack.url(), PAYLOAD, {
        ...FAST,
        baseDelayMs: 400,
        maxDelayMs: 1000,
        remainingMs: deadlineIn(700),
        reserveMs: 500,
      }).catch((e: unknown) => e);
      expect((error as SlackDeliveryError).attempts).toBe(1);
      expect(slack.requests).toHaveLength(1);
    });
  });

  it("reports Slack's short error code, and leaves any other body out", async () => {
    slack.script(
      { status: 400, body: "invalid_blocks" },
      { status: 400, body: "<html><body>Bad request from proxy secret-ish</body></html>" },
    );
    const first = (await postToSlack(slack.url(), PAYLOAD, FAST).catch((e: unknown) => e)) as SlackDeliveryError;
    expect(first.slackError).toBe("invalid_blocks");
    const second = (await postToSlack(slack.url(), PAYLOAD, FAST).catch((e: unknown) => e)) as SlackDeliveryError;
    expect(second.slackError).toBeUndefined();
    expect(second.message).toBe("Slack rejected the message (HTTP 400); not retried");
  });
});
