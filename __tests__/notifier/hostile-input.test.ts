import { formatIncoming } from "../../lambda-src/format";
import type { Formatted } from "../../lambda-src/format";
import {
  code,
  escapeText,
  linkButton,
  message,
  section,
  truncate,
  TRUNCATION_MARKER,
  wellFormed,
  withNotice,
} from "../../lambda-src/format/blocks";
import { splitRecords } from "../../lambda-src/parse";
import { fixture, guardDutyEvent, snsEvent } from "./fixtures";
import { allTexts, slackViolations, visibleText } from "./slack-limits";

function formatAll(event: unknown): Formatted[] {
  return splitRecords(event).map((item) => formatIncoming(item, { accountNames: { "111111111111": "<!channel> prod" } }));
}

function formatOne(event: unknown): Formatted {
  const all = formatAll(event);
  expect(all).toHaveLength(1);
  return all[0];
}

const HOSTILE = "<!channel> <@U123ABC> <https://evil.example|click here> & <!subteam^S1> <#C123>";
const HUGE = "A".repeat(10_000);

describe("the limit checker", () => {
  it("flags an unescaped mention, a long header, too many fields and a mrkdwn without verbatim", () => {
    const bad = {
      text: "hi <!channel>",
      blocks: [
        { type: "header", text: { type: "plain_text", text: "x".repeat(151) } },
        { type: "section", fields: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "f", verbatim: true })) },
        { type: "section", text: { type: "mrkdwn", text: "a & b" } },
      ],
    };
    const violations = slackViolations(bad).join("\n");
    expect(violations).toMatch(/unescaped angle bracket/);
    expect(violations).toMatch(/151 > 150/);
    expect(violations).toMatch(/11 > 10/);
    expect(violations).toMatch(/without verbatim/);
    expect(violations).toMatch(/unescaped &/);
  });

  it("flags more than 50 blocks", () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: "divider" }));
    expect(slackViolations({ text: "t", blocks })).toContain("51 blocks > 50");
  });
});

describe("escaping and truncation helpers", () => {
  it("escapes exactly &, < and > the way Slack documents", () => {
    expect(escapeText("a & b <c> &amp;")).toBe("a &amp; b &lt;c&gt; &amp;amp;");
  });

  it("truncates with a visible marker and never cuts an escape or a surrogate pair", () => {
    const cut = truncate(escapeText("<".repeat(100)), 50);
    expect(cut.length).toBeLessThanOrEqual(50);
    expect(cut.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(cut.slice(0, -TRUNCATION_MARKER.length)).toMatch(/^(&lt;)+$/);

    const emoji = truncate("😀".repeat(40), 21);
    expect(emoji.length).toBeLessThanOrEqual(21);
    expect(emoji.slice(0, -TRUNCATION_MARKER.length)).toMatch(/^(😀)+$/u);
  });
});

describe("the message-level size cap", () => {
  const blockText = (m: unknown) => allTexts({ ...(m as object), text: "" }).reduce((n, t) => n + t.length, 0);
  const button = linkButton("Open", "https://console.aws.amazon.com/x", "open")!;

  it("keeps a message's block text under 10,000 characters, says how many blocks were left out, and keeps the link button", () => {
    const m = message("t", [...Array.from({ length: 30 }, (_, i) => section(`${i} ${"x".repeat(1000)}`)), button]);
    expect(blockText(m)).toBeLessThanOrEqual(10_000);
    expect(m.blocks.at(-1)).toEqual(button);
    const notice = m.blocks.at(-2) as { elements: { text: string }[] };
    const shown = m.blocks.filter((b) => b.type === "section").length;
    expect(notice.elements[0].text).toBe(`… ${30 - shown} more block(s) not shown (message size limit)`);
    expect(slackViolations(m)).toEqual([]);
  });

  it("cuts one long section to fit instead of dropping it", () => {
    const m = message("t", [section("a".repeat(2900)), section("b".repeat(2900)), section("c".repeat(2900)), section("d".repeat(2900))]);
    expect(blockText(m)).toBeLessThanOrEqual(10_000);
    expect(visibleText(m)).toContain(`d${TRUNCATION_MARKER}`);
    expect(m.blocks).toHaveLength(4);
  });

  it("still fits when a routing notice is added to a full message", () => {
    const full = message(
      "t",
      Array.from({ length: 12 }, () => section("y".repeat(900))),
    );
    const noticed = withNotice(full, `:warning: *Routing failed:* ${"r".repeat(700)}`);
    expect(blockText(noticed)).toBeLessThanOrEqual(10_000);
    expect(visibleText(noticed)).toContain("*Routing failed:*");
    expect(slackViolations(noticed)).toEqual([]);
  });

  it("keeps at most 50 blocks", () => {
    const m = message(
      "t",
      Array.from({ length: 80 }, (_, i) => section(`s${i}`)),
    );
    expect(m.blocks.length).toBeLessThanOrEqual(50);
    expect(visibleText(m)).toMatch(/… \d+ more block\(s\) not shown/);
  });
});

describe("code spans and unicode", () => {
  it("a backtick in a value cannot close its code span, nor can a line break", () => {
    expect(code("i-1` *bold* <!here> `x")).toBe("`i-1ˋ *bold* &lt;!here&gt; ˋx`");
    expect(code("a\nb")).toBe("`a b`");
  });

  it("backticks in GuardDuty values stay inside their spans in the message", () => {
    const formatted = formatOne(
      guardDutyEvent({
        type: "Recon:EC2/PortProbeUnprotectedPort",
        severity: 5,
        resource: { resourceType: "Instance", instanceDetails: { instanceId: "i-1` <!channel> `" } },
        service: { action: { dnsRequestAction: { domain: "evil`.example" } } },
      }),
    );
    const text = visibleText(formatted.message);
    expect(text).toContain("EC2 instance: `i-1ˋ &lt;!channel&gt; ˋ`");
    expect(text).toContain("DNS query `evilˋ.example`");
    expect(slackViolations(formatted.message)).toEqual([]);
  });

  it("lone surrogates become U+FFFD; pairs are kept", () => {
    expect(wellFormed("a\uD800b\uDC00c😀")).toBe("a\uFFFDb\uFFFDc😀");
    const formatted = formatOne(guardDutyEvent({ type: "Recon:EC2/PortProbeUnprotectedPort", severity: 5, title: "x\uD83D y" }));
    expect(formatted.message.blocks[0]).toMatchObject({ text: { text: expect.stringContaining("x\uFFFD y") } });
    expect(JSON.stringify(formatted.message)).not.toMatch(/\\ud83d(?!\\ude)/i);
  });
});

describe("attacker-controlled values in a GuardDuty finding", () => {
  const base = fixture("guardduty/finding-only_canary-ec2-stateless-integtest_sev5.json") as Record<string, unknown>;
  const hostile = {
    ...base,
    title: HOSTILE,
    description: `${HOSTILE} ${HUGE}`,
    type: `Recon:EC2/${HOSTILE}`,
    resource: {
      resourceType: "Instance",
      instanceDetails: { instanceId: "i-1", tags: [{ key: "Name", value: HOSTILE }] },
    },
  };

  it("are escaped everywhere, so no mention or link can be formed", () => {
    const formatted = formatOne(guardDutyEvent(hostile));
    expect(slackViolations(formatted.message)).toEqual([]);
    const text = visibleText(formatted.message);
    expect(text).toContain("&lt;!channel&gt;");
    expect(text).toContain("&lt;https://evil.example|click here&gt;");
    expect(text).not.toMatch(/<[!@#h]/);
  });

  it("are truncated with a visible marker when they exceed Slack's limits", () => {
    const formatted = formatOne(guardDutyEvent(hostile));
    expect(slackViolations(formatted.message)).toEqual([]);
    expect(visibleText(formatted.message)).toContain(TRUNCATION_MARKER);
    expect(formatted.message.text.length).toBeLessThanOrEqual(500);
  });

  it("every string of real findings, replaced by a hostile one, stays escaped", () => {
    const poison = (v: unknown): unknown =>
      typeof v === "string"
        ? HOSTILE
        : Array.isArray(v)
          ? v.map(poison)
          : v && typeof v === "object"
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, poison(x)]))
            : v;
    for (const name of [
      "guardduty/finding-only_privesc-iamuser-administrativepermissions_sev8-high_panther.json",
      "guardduty/finding-only_recon-iamuser-maliciousipcaller-custom_sample_sev5.json",
      "guardduty/finding-only_persistence-kubernetes-successfulanonymousaccess_eks_sample_sev8-high_elastic.json",
      "guardduty/finding-only_credentialaccess-rds-anomalousbehavior-successfullogin_sample_sev8-high_elastic.json",
      "guardduty/finding-only_privilegeescalation-runtime-dockersocketaccessed_sev5-medium_elastic.json",
      "guardduty/finding-only_pentest-s3-parrotlinux_sample_sev5.json",
    ]) {
      const finding = fixture(name) as Record<string, unknown>;
      const formatted = formatOne(guardDutyEvent({ ...(poison(finding) as object), severity: finding.severity }));
      expect({ name, violations: slackViolations(formatted.message) }).toEqual({ name, violations: [] });
      expect(visibleText(formatted.message)).not.toMatch(/<!channel>|<https:\/\/evil/);
    }
  });

  it("cannot inject a mention through the account name either", () => {
    const formatted = formatOne(guardDutyEvent({ ...base, accountId: "111111111111" }));
    expect(visibleText(formatted.message)).toContain("111111111111 (&lt;!channel&gt; prod)");
    expect(slackViolations(formatted.message)).toEqual([]);
  });

  it("keep unicode and emoji intact", () => {
    const formatted = formatOne(guardDutyEvent({ ...base, title: "Zugriff verweigert 🚨 — 日本語 ✓" }));
    expect(visibleText(formatted.message)).toContain("Zugriff verweigert 🚨 — 日本語 ✓");
  });

  it("10,000-character values in every field stay within limits", () => {
    const all = {
      ...base,
      title: HUGE,
      id: HUGE,
      region: HUGE,
      accountId: HUGE,
      service: {
        count: HUGE,
        eventFirstSeen: HUGE,
        eventLastSeen: HUGE,
        action: {
          awsApiCallAction: {
            api: HUGE,
            remoteIpDetails: { ipAddressV4: HUGE, country: { countryName: HUGE }, organization: { org: HUGE } },
          },
        },
      },
      resource: { resourceType: HUGE, s3BucketDetails: Array.from({ length: 50 }, () => ({ name: HUGE })) },
    };
    const formatted = formatOne(guardDutyEvent(all));
    expect(formatted.kind).toBe("guardduty");
    expect(slackViolations(formatted.message)).toEqual([]);
  });
});

describe("malformed input never throws and falls back to the generic message", () => {
  const cases: [string, unknown][] = [
    ["null", null],
    ["undefined", undefined],
    ["a number", 42],
    ["a string", "<!channel> hello"],
    ["an empty object", {}],
    ["an array", [1, "two", { three: 3 }]],
    ["an empty SNS event", { Records: [] }],
    ["SNS records of the wrong shape", { Records: [{ Sns: { Message: 5 } }] }],
    ["a GuardDuty finding without a type", guardDutyEvent({ severity: 8, title: "x" })],
    ["a GuardDuty event whose detail is a string", { "detail-type": "GuardDuty Finding", detail: "oops" }],
    ["a GuardDuty event whose detail is an array", { "detail-type": "GuardDuty Finding", detail: [1, 2] }],
    ["an alarm event without a state", { "detail-type": "CloudWatch Alarm State Change", detail: { alarmName: "a" } }],
    ["a Config event without an evaluation", { "detail-type": "Config Rules Compliance Change", detail: { configRuleName: "r" } }],
    [
      "Security Hub findings that are not ASFF",
      { source: "aws.securityhub", "detail-type": "Security Hub Findings - Imported", detail: { findings: [1, "x", null] } },
    ],
    ["a deeply nested object", JSON.parse(`${"[".repeat(500)}${"]".repeat(500)}`)],
  ];

  it.each(cases)("%s", (_name, input) => {
    let results: Formatted[] = [];
    expect(() => {
      results = formatAll(input);
    }).not.toThrow();
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.kind).toBe("generic");
      expect(slackViolations(r.message)).toEqual([]);
    }
  });

  it("wrong types in optional GuardDuty fields degrade the field, not the message", () => {
    const finding = {
      type: "Recon:EC2/PortProbeUnprotectedPort",
      severity: "8.0",
      region: "eu-west-1",
      accountId: 111111111111,
      title: ["not", "a", "string"],
      resource: { resourceType: 5, instanceDetails: "i-123" },
      service: { count: { n: 1 }, eventFirstSeen: 17, action: "nope", additionalInfo: null },
    };
    const formatted = formatOne(guardDutyEvent(finding));
    expect(formatted.kind).toBe("guardduty");
    expect(formatted.severity).toBe(8);
    expect(visibleText(formatted.message)).toContain("Recon:EC2/PortProbeUnprotectedPort");
    expect(slackViolations(formatted.message)).toEqual([]);
  });

  it("a non-JSON SNS message is shown as text", () => {
    const formatted = formatOne(snsEvent(`plain text with ${HOSTILE}`));
    expect(formatted.kind).toBe("generic");
    expect(visibleText(formatted.message)).toContain("plain text with &lt;!channel&gt;");
    expect(slackViolations(formatted.message)).toEqual([]);
  });

  it("a truncated JSON SNS message is shown as text", () => {
    const formatted = formatOne(snsEvent('{"detail-type": "GuardDuty Finding", "detail": {'));
    expect(formatted.kind).toBe("generic");
    expect(slackViolations(formatted.message)).toEqual([]);
  });

  it("a huge unknown event is shown truncated in a code block", () => {
    const formatted = formatOne({ source: "custom.app", "detail-type": "Thing", detail: { blob: HUGE, more: HUGE } });
    expect(formatted.kind).toBe("generic");
    expect(slackViolations(formatted.message)).toEqual([]);
    expect(visibleText(formatted.message)).toContain(TRUNCATION_MARKER);
  });

  it("a circular object does not throw", () => {
    const circular: Record<string, unknown> = { source: "x" };
    circular.self = circular;
    expect(() => formatAll(circular)).not.toThrow();
  });

  it("many SNS records each become one message", () => {
    const event = snsEvent(...Array.from({ length: 5 }, (_, i) => ({ n: i })));
    expect(formatAll(event)).toHaveLength(5);
  });

  it("a triple backtick in a value cannot close the code block early", () => {
    const formatted = formatOne({ source: "custom.app", "detail-type": "Thing", detail: { x: "```\n*bold* <!here>" } });
    const code = formatted.message.blocks.find((b) => b.type === "section" && "text" in b && b.text?.text.startsWith("```"));
    const body = (code as { text: { text: string } }).text.text;
    expect(body.slice(3, -3)).not.toContain("```");
    expect(slackViolations(formatted.message)).toEqual([]);
  });
});
