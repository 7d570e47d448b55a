import { notify, NotifyError } from "../../lambda-src/handler";
import type { NotifierDeps } from "../../lambda-src/handler";
import type { Log } from "../../lambda-src/logger";
import { parameterFor, SettingsError, settingsFromEnv } from "../../lambda-src/settings";
import type { NotifierSettings } from "../../lambda-src/settings";
import { fixture, guardDutyEvent, snsEvent } from "./fixtures";
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
  ])("rejects WEBHOOK_ROUTES that is %s", (_name, routes) => {
    expect(() => settingsFromEnv({ WEBHOOK_PARAMETER: DEFAULT, WEBHOOK_ROUTES: routes })).toThrow(SettingsError);
  });

  it("rejects ACCOUNT_NAMES that is not an object of strings", () => {
    expect(() => settingsFromEnv({ WEBHOOK_PARAMETER: DEFAULT, ACCOUNT_NAMES: '{"1":2}' })).toThrow(/ACCOUNT_NAMES/);
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
    sendOptions: { timeoutMs: 200, attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
    log,
    ...over,
  });

  beforeEach(async () => {
    slack = await new FakeSlack().start();
    resolved = [];
    log = recordingLog();
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

  it("attempts every record and then throws when one delivery failed", async () => {
    slack.script({ status: 400, body: "invalid_payload" });
    const error = await notify(snsEvent(finding(5), finding(6)), deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotifyError);
    expect((error as NotifyError).result).toEqual({ delivered: 1, failed: 1 });
    expect((error as Error).message).toMatch(/1 of 2 Slack deliveries failed: .*HTTP 400: invalid_payload/);
    expect(slack.requests).toHaveLength(2);
  });

  it("throws when the webhook cannot be resolved, and still tries the other records", async () => {
    const failing = deps({
      resolveWebhook: async (name) => {
        resolved.push(name);
        if (name === ONCALL) throw new Error("AccessDeniedException: not authorized to perform ssm:GetParameter");
        return slack.url();
      },
    });
    await expect(notify(snsEvent(finding(9), finding(2)), failing)).rejects.toThrow(/1 of 2 .*AccessDenied/);
    expect(slack.requests).toHaveLength(1);
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
