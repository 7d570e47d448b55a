import { notify, NotifyError } from "../../lambda-src/handler";
import type { NotifierDeps } from "../../lambda-src/handler";
import type { Log } from "../../lambda-src/logger";
import { parameterFor, SettingsError, settingsFromEnv } from "../../lambda-src/settings";
import type { NotifierSettings } from "../../lambda-src/settings";
import type { DeliveryCounts } from "../../lambda-src/metrics";
import { WebhookParameterError } from "../../lambda-src/webhook";
import { fixture, guardDutyEvent, snsEvent } from "./fixtures";
import { slackViolations, visibleText } from "./slack-limits";
import { FakeSlack } from "./slack-server";

const DEFAULT = "/threat-alerts/slack-webhook";
const ONCALL = "/threat-alerts/slack-webhook-oncall";
const HIGH = "/threat-alerts/slack-webhook-high";

/** Records log calls so tests can check what was logged (and that the URL never was). */
function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  const rec =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push(`${level} ${JSON.stringify(args)}`);
    };
  return { lines, info: rec("info"), warn: rec("warn"), error: rec("error") } as unknown as Log & { lines: string[] };
}

const finding = (severity: number) =>
  guardDutyEvent({
    type: "Recon:EC2/PortProbeUnprotectedPort",
    severity,
    id: `f${severity}`,
    region: "eu-west-1",
    accountId: "111111111111",
  });

describe("settingsFromEnv", () => {
  it("reads the default parameter, routes and account names", () => {
    const settings = settingsFromEnv({
      WEBHOOK_PARAMETER: DEFAULT,
      WEBHOOK_ROUTES: JSON.stringify([{ minSeverity: 9, parameter: ONCALL }]),
      ACCOUNT_NAMES: '{"111111111111":"prod"}',
    });
    expect(settings).toEqual({
      defaultParameter: DEFAULT,
      routes: [{ minSeverity: 9, parameter: ONCALL }],
      accountNames: { "111111111111": "prod" },
    });
  });

  it.each([undefined, "", "  "])("treats WEBHOOK_ROUTES=%p as no routes", (routes) => {
    expect(settingsFromEnv({ WEBHOOK_PARAMETER: DEFAULT, WEBHOOK_ROUTES: routes }).routes).toEqual([]);
  });

  it("fails without WEBHOOK_PARAMETER", () => {
    expect(() => settingsFromEnv({})).toThrow(new SettingsError("WEBHOOK_PARAMETER is not set"));
  });

  it.each([
    ["not JSON", "[{"],
    ["not an array", '{"minSeverity":9}'],
    ["a severity out of range", '[{"minSeverity":11,"parameter":"/p"}]'],
    ["a route without parameter", '[{"minSeverity":9}]'],
  ])("ignores WEBHOOK_ROUTES that is %s, and says routing failed", (_name, routes) => {
    const settings = settingsFromEnv({ WEBHOOK_PARAMETER: DEFAULT, WEBHOOK_ROUTES: routes });
    expect(settings.routes).toEqual([]);
    expect(settings.routingProblem).toMatch(/^WEBHOOK_ROUTES (is not valid JSON|has the wrong shape)/);
    expect(settings.problems).toEqual([settings.routingProblem]);
  });

  it("ignores ACCOUNT_NAMES that is not an object of strings, without blocking anything else", () => {
    const settings = settingsFromEnv({
      WEBHOOK_PARAMETER: DEFAULT,
      ACCOUNT_NAMES: '{"1":2}',
      WEBHOOK_ROUTES: '[{"minSeverity":9,"parameter":"/p"}]',
    });
    expect(settings.accountNames).toEqual({});
    expect(settings.routes).toEqual([{ minSeverity: 9, parameter: "/p" }]);
    expect(settings.routingProblem).toBeUndefined();
    expect(settings.problems).toEqual([expect.stringMatching(/^ACCOUNT_NAMES has the wrong shape/)]);
  });
});

describe("severity routing", () => {
  const settings = {
    defaultParameter: DEFAULT,
    routes: [
      { minSeverity: 9, parameter: ONCALL },
      { minSeverity: 7, parameter: HIGH },
    ],
  };

  it.each([
    [0, DEFAULT],
    [6.9, DEFAULT],
    [7, HIGH],
    [8.9, HIGH],
    [9, ONCALL],
    [10, ONCALL],
  ])("severity %p goes to %s (highest matching floor wins)", (severity, parameter) => {
    expect(parameterFor(severity, settings)).toBe(parameter);
  });

  it("uses the default when there are no routes", () => {
    expect(parameterFor(10, { defaultParameter: DEFAULT, routes: [] })).toBe(DEFAULT);
  });
});

describe("notify, end to end against a local Slack", () => {
  let slack: FakeSlack;
  let resolved: string[];
  let log: ReturnType<typeof recordingLog>;
  let counts: DeliveryCounts | undefined;

  const settings: NotifierSettings = {
    defaultParameter: DEFAULT,
    routes: [{ minSeverity: 9, parameter: ONCALL }],
    accountNames: { "111111111111": "prod" },
  };

  const deps = (over: Partial<NotifierDeps> = {}): NotifierDeps => ({
    settings,
    resolveWebhook: async (name) => {
      resolved.push(name);
      return slack.url(name === ONCALL ? "/services/oncall-secret" : "/services/default-secret");
    },
    // The timeout is not under test here (tests count requests): generous, so a loaded machine's
    // slow answer is not a timeout and a second request.
    sendOptions: { timeoutMs: 10_000, attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
    log,
    publish: (c) => {
      counts = c;
    },
    ...over,
  });

  beforeEach(async () => {
    slack = await new FakeSlack().start();
    resolved = [];
    log = recordingLog();
    counts = undefined;
  });
  afterEach(async () => {
    await slack.stop();
  });

  it("posts one SNS record as one Block Kit message", async () => {
    const event = snsEvent(fixture("guardduty/eb_cryptocurrency-ec2-bitcointool-b-dns_real_sev8-high.json"));
    await expect(notify(event, deps())).resolves.toEqual({ delivered: 1, failed: 0 });
    const [payload] = slack.payloads();
    expect(payload.text).toContain("GuardDuty High (8)");
    expect(JSON.stringify(payload.blocks)).toContain("CryptoCurrency:EC2/BitcoinTool.B!DNS");
    expect(slack.requests[0].path).toBe("/services/default-secret");
  });

  it("posts every record of a multi-record SNS event, in order", async () => {
    const event = snsEvent(
      fixture("cloudwatch-alarm/sns-message-body_alarm-minimal_notify-slack.json"),
      fixture("config/eb_compliance-change_noncompliant-new-resource_loggroup-encryption.json"),
      "plain text message",
    );
    await expect(notify(event, deps())).resolves.toEqual({ delivered: 3, failed: 0 });
    const texts = slack.payloads().map((p) => String(p.text));
    expect(texts[0]).toMatch(/^ALARM: Example/);
    expect(texts[1]).toMatch(/^Config NON_COMPLIANT/);
    expect(texts[2]).toBe("AWS notification: plain text message");
  });

  it("handles a direct EventBridge event (no SNS)", async () => {
    await notify(fixture("securityhub/eb_findings-imported_cis-1.4_medium_warning_asr.json"), deps());
    expect(slack.payloads()[0].text).toContain("Security Hub MEDIUM");
  });

  it("routes a critical finding to the on-call webhook instead of the default", async () => {
    await notify(snsEvent(finding(9.2), finding(5)), deps());
    expect(resolved).toEqual([ONCALL, DEFAULT]);
    expect(slack.requests.map((r) => r.path)).toEqual(["/services/oncall-secret", "/services/default-secret"]);
  });

  it.each([
    ["a GuardDuty finding without a type", guardDutyEvent({ severity: 9.1, title: "x" }), 9.1],
    ["a GuardDuty finding whose severity is a string", { "detail-type": "GuardDuty Finding", detail: { severity: "8.5", type: 7 } }, 8.5],
    [
      "Security Hub findings that are not ASFF but carry a label",
      {
        source: "aws.securityhub",
        "detail-type": "Security Hub Findings - Imported",
        detail: { findings: [{ Severity: { Label: "CRITICAL" } }] },
      },
      9,
    ],
  ])("routes %s (shown raw) by the severity it carries", async (_name, event, severity) => {
    await notify(snsEvent(event), deps());
    expect(resolved).toEqual([severity >= 9 ? ONCALL : DEFAULT]);
    expect(visibleText(slack.payloads()[0])).toContain(`*Severity*\n${severity}`);
  });

  it("does not read a severity into events from other sources", async () => {
    await notify(snsEvent({ source: "custom.app", "detail-type": "Thing", detail: { severity: 10 } }), deps());
    expect(resolved).toEqual([DEFAULT]);
  });

  it("attempts every record and then throws when one delivery failed, naming the error", async () => {
    slack.script({ status: 500, body: "internal_error" }, { status: 500, body: "internal_error" });
    const error = await notify(snsEvent(finding(5), finding(6)), deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotifyError);
    expect((error as NotifyError).result).toEqual({ delivered: 1, failed: 1 });
    expect((error as Error).message).toMatch(/1 of 2 Slack deliveries failed: SlackDeliveryError: .*HTTP 500: internal_error/);
    expect(slack.requests).toHaveLength(3);
    expect(counts).toMatchObject({ Delivered: 1, NotDelivered: 1 });
  });

  it("throws when even the default webhook cannot be resolved, and still tries the other records", async () => {
    const failing = deps({
      resolveWebhook: async (name) => {
        resolved.push(name);
        if (name === DEFAULT) throw new WebhookParameterError(`SSM parameter ${name} could not be read (AccessDeniedException: no)`);
        return slack.url("/services/oncall-secret");
      },
    });
    await expect(notify(snsEvent(finding(2), finding(9)), failing)).rejects.toThrow(
      /1 of 2 .*WebhookParameterError: .*AccessDeniedException/,
    );
    expect(slack.requests.map((r) => r.path)).toEqual(["/services/oncall-secret"]);
  });

  describe("broken route", () => {
    const brokenOncall = () =>
      deps({
        resolveWebhook: async (name) => {
          resolved.push(name);
          if (name === ONCALL) throw new WebhookParameterError(`SSM parameter ${name} could not be read (ParameterNotFound: gone)`);
          return slack.url("/services/default-secret");
        },
      });

    it("sends a critical alert whose route parameter is missing to the default webhook, saying routing failed", async () => {
      await expect(notify(snsEvent(finding(9.5)), brokenOncall())).resolves.toEqual({ delivered: 1, failed: 0 });
      expect(resolved).toEqual([ONCALL, DEFAULT]);
      expect(slack.requests.map((r) => r.path)).toEqual(["/services/default-secret"]);
      const text = visibleText(slack.payloads()[0]);
      expect(text).toContain(`*Routing failed:* the webhook in \`${ONCALL}\` could not be used`);
      expect(text).toContain("ParameterNotFound");
      expect(text).toContain("GuardDuty Critical");
      expect(slackViolations(slack.payloads()[0])).toEqual([]);
    });

    it("still reports the routing error: logged, and counted as RoutingFailed", async () => {
      await notify(snsEvent(finding(9.5)), brokenOncall());
      expect(log.lines.join("\n")).toMatch(/error .*Webhook routing failed.*WebhookParameterError: .*ParameterNotFound/);
      expect(counts).toMatchObject({ Delivered: 1, NotDelivered: 0, RoutingFailed: 1 });
    });

    it("a malformed WEBHOOK_ROUTES sends everything to the default webhook with the routing line", async () => {
      const settings = settingsFromEnv({ WEBHOOK_PARAMETER: DEFAULT, WEBHOOK_ROUTES: "[{" });
      await notify(snsEvent(finding(9.5)), deps({ settings }));
      expect(resolved).toEqual([DEFAULT]);
      expect(visibleText(slack.payloads()[0])).toContain("*Routing failed:* WEBHOOK_ROUTES is not valid JSON");
      expect(counts).toMatchObject({ Delivered: 1, RoutingFailed: 1, SettingsProblems: 1 });
    });
  });

  describe("rotated webhook", () => {
    it("re-reads the parameter past the cache on 404 and re-posts once to the new URL", async () => {
      const forced: boolean[] = [];
      slack.script({ status: 404, body: "no_service" });
      const rotating = deps({
        resolveWebhook: async (_name, options) => {
          forced.push(options?.forceFetch === true);
          return slack.url(options?.forceFetch ? "/services/new-secret" : "/services/old-secret");
        },
      });
      await expect(notify(snsEvent(finding(5)), rotating)).resolves.toEqual({ delivered: 1, failed: 0 });
      expect(forced).toEqual([false, true]);
      expect(slack.requests.map((r) => r.path)).toEqual(["/services/old-secret", "/services/new-secret"]);
      expect(counts).toMatchObject({ Delivered: 1, WebhookRefetched: 1, RoutingFailed: 0 });
    });

    it.each([403, 410])("does the same on %i", async (status) => {
      slack.script({ status });
      const rotating = deps({ resolveWebhook: async (_n, o) => slack.url(o?.forceFetch ? "/services/new" : "/services/old") });
      await notify(snsEvent(finding(5)), rotating);
      expect(slack.requests.map((r) => r.path)).toEqual(["/services/old", "/services/new"]);
    });

    it("re-posts only once: a webhook that stays dead fails the record", async () => {
      slack.script({ status: 404 }, { status: 404 });
      const error = await notify(snsEvent(finding(5)), deps()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotifyError);
      expect(slack.requests).toHaveLength(2);
    });
  });

  describe("Slack refuses the payload (400)", () => {
    it("re-posts once as a plain text message with the same content", async () => {
      slack.script({ status: 400, body: "invalid_blocks" });
      const event = snsEvent(fixture("guardduty/eb_cryptocurrency-ec2-bitcointool-b-dns_real_sev8-high.json"));
      await expect(notify(event, deps())).resolves.toEqual({ delivered: 1, failed: 0 });
      const [first, second] = slack.payloads();
      expect(first.blocks).toBeDefined();
      expect(second.blocks).toBeUndefined();
      expect(second.text).toContain("CryptoCurrency:EC2/BitcoinTool.B!DNS");
      expect(second.text).toContain("Sent as plain text: Slack refused the formatted message with invalid_blocks");
      expect(second.text).toMatch(/Open in GuardDuty console: https:\/\/console.aws.amazon.com\/guardduty\/home\?region=.*&amp;fId=/);
      expect(slackViolations({ ...second, blocks: [{ type: "divider" }] })).toEqual([]);
      expect(counts).toMatchObject({ Delivered: 1, PlainTextFallback: 1 });
    });

    it("fails the record when the plain text is refused too", async () => {
      slack.script({ status: 400, body: "invalid_blocks" }, { status: 400, body: "no_text" });
      await expect(notify(snsEvent(finding(5)), deps())).rejects.toThrow(/HTTP 400: no_text/);
    });
  });

  it("delivers a burst: waits out 429s within the invocation's remaining time instead of failing", async () => {
    slack.script({ status: 429, headers: { "retry-after": "0.2" } }, { status: 429, headers: { "retry-after": "0.2" } });
    const end = Date.now() + 20_000;
    await expect(notify(snsEvent(finding(5), finding(6)), deps({ remainingMs: () => end - Date.now() }))).resolves.toEqual({
      delivered: 2,
      failed: 0,
    });
    expect(slack.requests).toHaveLength(4);
    expect(counts).toMatchObject({ Delivered: 2, NotDelivered: 0, RateLimited: 2 });
  });

  it("one malformed SNS record does not spoil the batch: it is posted raw, the others normally", async () => {
    const event = snsEvent(finding(5), finding(6), finding(7)) as { Records: Record<string, unknown>[] };
    event.Records[1] = { EventSource: "aws:sns", Sns: { Message: { not: "a string" }, TopicArn: 5 } };
    await expect(notify(event, deps())).resolves.toEqual({ delivered: 3, failed: 0 });
    const texts = slack.payloads().map((p) => visibleText(p));
    expect(texts[0]).toContain("GuardDuty Medium (5)");
    expect(texts[1]).toContain("Malformed SNS record 2 of 3");
    expect(texts[1]).toContain("not");
    expect(texts[2]).toContain("GuardDuty High (7)");
    expect(log.lines.join("\n")).toContain("Malformed record posted as raw JSON");
  });

  it("a malformed ACCOUNT_NAMES does not block alerts: logged, counted, message without names", async () => {
    const settings = settingsFromEnv({ WEBHOOK_PARAMETER: DEFAULT, ACCOUNT_NAMES: "{oops" });
    await expect(notify(snsEvent(finding(5)), deps({ settings }))).resolves.toEqual({ delivered: 1, failed: 0 });
    expect(log.lines.join("\n")).toMatch(/error .*Notifier setting ignored.*ACCOUNT_NAMES is not valid JSON/);
    expect(counts).toMatchObject({ Delivered: 1, SettingsProblems: 1 });
  });

  it("never logs the webhook URL", async () => {
    slack.script({ status: 500 }, { status: 500 });
    await notify(snsEvent(finding(5), finding(9)), deps()).catch(() => undefined);
    expect(log.lines.length).toBeGreaterThanOrEqual(2);
    const logged = log.lines.join("\n");
    expect(logged).toContain("Slack delivery failed");
    expect(logged).toContain("Posted to Slack");
    expect(logged).not.toContain("secret");
    expect(logged).not.toContain("127.0.0.1");
  });
});
