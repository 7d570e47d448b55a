import { formatIncoming } from "../../lambda-src/format";
import type { Formatted } from "../../lambda-src/format";
import { formatTime } from "../../lambda-src/format/attack-sequence";
import { splitRecords } from "../../lambda-src/parse";
import { fixture, guardDutyEvent } from "./fixtures";
import { allTexts, slackViolations, visibleText } from "./slack-limits";

const FIXTURE = "guardduty/eb_attacksequence-iam-compromisedcredentials_sev9-critical_api-reference.json";

function format(event: unknown): Formatted {
  const [item] = splitRecords(event);
  return formatIncoming(item, { accountNames: { "111122223333": "prod" } });
}

type Block = { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { text?: unknown; url?: string }[] };

/** The section whose text starts with `*title*`, as lines. */
function sectionLines(f: Formatted, title: string): string[] {
  const block = (f.message.blocks as Block[]).find((b) => b.type === "section" && b.text?.text.startsWith(`*${title}*`));
  if (!block?.text) throw new Error(`no section ${title}`);
  return block.text.text.split("\n");
}

function field(f: Formatted, label: string): string | undefined {
  for (const b of f.message.blocks as Block[]) {
    for (const x of b.fields ?? []) if (x.text.startsWith(`*${label}*\n`)) return x.text.slice(label.length + 3);
  }
  return undefined;
}

/** A deep copy of the fixture with `edit` applied to its sequence. */
function withSequence(edit: (sequence: Record<string, unknown>) => void): unknown {
  const event = structuredClone(fixture(FIXTURE)) as { detail: { service: { detection: { sequence: Record<string, unknown> } } } };
  edit(event.detail.service.detection.sequence);
  return event;
}

describe("an attack sequence finding (Extended Threat Detection) tells its story", () => {
  const f = format(fixture(FIXTURE));
  const blocks = f.message.blocks as Block[];

  it("is a Critical GuardDuty message, routed as severity 9, within Slack's limits", () => {
    expect(f.kind).toBe("guardduty");
    expect(f.severity).toBe(9);
    expect(slackViolations(f.message)).toEqual([]);
    expect(allTexts(f.message).reduce((n, t) => n + t.length, 0)).toBeLessThan(10_000);
  });

  it("header and notification text name the sequence", () => {
    expect(blocks[0]).toEqual({
      type: "header",
      text: {
        type: "plain_text",
        text: ":red_circle: GuardDuty Critical: Potential credential compromise of IAMUser/build-bot indicated by a sequence of actions.",
        emoji: true,
      },
    });
    expect(f.message.text).toBe(
      "GuardDuty Critical (9) attack sequence: Potential credential compromise of IAMUser/build-bot indicated by a sequence of actions. (111122223333 (prod) us-east-1)",
    );
  });

  it("shows the sequence description under the finding type", () => {
    expect(blocks[1].text?.text).toBe(
      ":chains: *Attack sequence* `AttackSequence:IAM/CompromisedCredentials`\n" +
        "A sequence of actions involving 4 signals indicating a possible credential compromise was observed for IAMUser/build-bot " +
        "with principalId AIDAEXAMPLE1234567890 in account 111122223333 between 2025-03-04T08:02:11Z and 2025-03-04T09:15:27Z.",
    );
  });

  it("has severity, account, region, the time span and what is involved as fields", () => {
    expect(field(f, "Severity")).toBe(":red_circle: Critical (9)");
    expect(field(f, "Account")).toBe("111122223333 (prod)");
    expect(field(f, "Region")).toBe("us-east-1");
    expect(field(f, "First seen")).toBe("2025-03-04T08:02:11Z");
    expect(field(f, "Last seen")).toBe("2025-03-04T09:15:27Z");
    expect(field(f, "Involves")).toBe("4 signals, 1 actor, 2 endpoints, 2 resources");
  });

  it("lists the signals in the order they were first seen, with name, count and time", () => {
    expect(sectionLines(f, "Signals, in order")).toEqual([
      "*Signals, in order* (4)",
      "1. `iam:ListUsers` ×14 — 2025-03-04T08:02:11Z → 2025-03-04T08:03:18Z (cloud trail)",
      "2. `UnauthorizedAccess:IAMUser/TorIPCaller` ×3 — 2025-03-04T08:14:02Z → 2025-03-04T08:30:02Z (finding)",
      "3. `Stealth:IAMUser/CloudTrailLoggingDisabled` ×1 — 2025-03-04T08:55:12Z (finding)",
      "4. `s3:GetObject` ×2817 — 2025-03-04T09:05:01Z → 2025-03-04T09:15:27Z (s3 data events)",
    ]);
  });

  it("shows each actor with its session: id, MFA, start and issuer", () => {
    expect(sectionLines(f, "Actors")).toEqual([
      "*Actors* (1)",
      "• `build-bot` (IAMUser) in account 111122223333 (production) — credential `AKIAIOSFODNN7EXAMPLE` — " +
        "session `ASIAEXAMPLESESSION01`, MFA disabled, started 2025-03-04T08:00:00Z, issued by `arn:aws:iam::111122223333:user/build-bot`",
    ]);
  });

  it("shows the endpoint IPs with city, country and network", () => {
    expect(sectionLines(f, "Network endpoints")).toEqual([
      "*Network endpoints* (2)",
      "• `198.51.100.23` — Frankfurt am Main, Germany — AS64500 Example Hosting GmbH (inbound)",
      "• `203.0.113.77` — Amsterdam, Netherlands — AS64501 Example Tor Exit Operator (inbound)",
    ]);
  });

  it("lists the affected resources", () => {
    expect(sectionLines(f, "Affected resources")).toEqual([
      "*Affected resources* (2)",
      "• ACCESS_KEY `build-bot` (`AKIAIOSFODNN7EXAMPLE`) — us-east-1, 111122223333",
      "• S3_BUCKET `example-customer-data` (`arn:aws:s3:::example-customer-data`) — us-east-1, 111122223333",
    ]);
  });

  it("adds the indicators, the finding id and a console link", () => {
    const text = visibleText(f.message);
    expect(text).toContain("*MITRE ATT&amp;CK tactics:* Defense Evasion, Discovery, Exfiltration");
    expect(text).toContain("*Tor exit node IP addresses:* 203.0.113.77");
    expect(text).toContain("Finding id: `a4cb2f1c9a7e3d5b8f0e6c2a1b3d5e7f`");
    const button = blocks.find((b) => b.type === "actions")?.elements?.[0];
    expect(button?.url).toBe(
      "https://console.aws.amazon.com/guardduty/home?region=us-east-1#/findings?macros=current&fId=a4cb2f1c9a7e3d5b8f0e6c2a1b3d5e7f",
    );
  });

  it("does not show the instance/access-key fields an attack sequence does not have", () => {
    for (const label of ["Resource", "Action", "Remote IP", "Finding type"]) expect(field(f, label)).toBeUndefined();
  });
});

describe("attack sequence edge cases", () => {
  it("reads timestamps given as ISO strings or epoch milliseconds the same way", () => {
    expect(formatTime(1741075331)).toBe("2025-03-04T08:02:11Z");
    expect(formatTime(1741075331000)).toBe("2025-03-04T08:02:11Z");
    expect(formatTime("2025-03-04T08:02:11.000Z")).toBe("2025-03-04T08:02:11Z");
    expect(formatTime("1741075331")).toBe("2025-03-04T08:02:11Z");
    expect(formatTime("yesterday")).toBe("yesterday");
    expect(formatTime(undefined)).toBe("");
    const iso = format(
      withSequence((s) => {
        for (const signal of s.signals as Record<string, unknown>[]) {
          for (const k of ["createdAt", "firstSeenAt", "lastSeenAt"]) signal[k] = new Date((signal[k] as number) * 1000).toISOString();
        }
      }),
    );
    expect(sectionLines(iso, "Signals, in order")).toEqual(sectionLines(format(fixture(FIXTURE)), "Signals, in order"));
  });

  it("cuts long lists and says how many were left out, staying within Slack's limits", () => {
    const f = format(
      withSequence((s) => {
        s.description = "D".repeat(4096);
        s.signals = Array.from({ length: 100 }, (_, i) => ({
          uid: `s${i}`,
          type: "CLOUD_TRAIL",
          name: `iam:Call${i}${"x".repeat(60)}`,
          count: i,
          firstSeenAt: 1741075331 + i,
          lastSeenAt: 1741075331 + i,
        }));
        s.actors = Array.from({ length: 400 }, (_, i) => ({ id: `a${i}`, user: { name: `user-${i}`, type: "IAMUser" } }));
        s.endpoints = Array.from({ length: 400 }, (_, i) => ({ id: `e${i}`, ip: `198.51.100.${i % 256}`, location: { country: "X" } }));
        s.resources = Array.from({ length: 400 }, (_, i) => ({ uid: `arn:aws:s3:::bucket-${i}`, resourceType: "S3_BUCKET" }));
      }),
    );
    expect(slackViolations(f.message)).toEqual([]);
    expect(allTexts(f.message).reduce((n, t) => n + t.length, 0)).toBeLessThanOrEqual(10_000);
    const text = visibleText(f.message);
    expect(text).toMatch(/… \d+ more signals/);
    expect(text).toMatch(/… \d+ more actors/);
    expect(text).toMatch(/… \d+ more endpoints/);
    expect(text).toMatch(/… \d+ more resources/);
    expect(text).toContain("*Signals, in order* (100)");
    const shown = sectionLines(f, "Signals, in order").filter((l) => /^\d+\. /.test(l)).length;
    expect(text).toContain(`… ${100 - shown} more signals`);
  });

  it("drops a malformed list item and keeps the rest", () => {
    const f = format(
      withSequence((s) => {
        (s.signals as unknown[]).splice(1, 0, "not a signal", null, 42);
        s.endpoints = [{ ip: ["not", "a", "string"] }, ...(s.endpoints as unknown[])];
      }),
    );
    expect(sectionLines(f, "Signals, in order")[0]).toBe("*Signals, in order* (4)");
    expect(sectionLines(f, "Network endpoints")).toHaveLength(4);
    expect(slackViolations(f.message)).toEqual([]);
  });

  it("escapes hostile values and keeps backticks inside their code spans", () => {
    const hostile = "<!channel> `*bold*` <https://evil.example|x>";
    const f = format(
      withSequence((s) => {
        s.description = hostile;
        (s.signals as Record<string, unknown>[])[0].name = hostile;
        (s.actors as Record<string, Record<string, unknown>>[])[0].session.uid = hostile;
        (s.endpoints as Record<string, unknown>[])[0].ip = hostile;
        (s.resources as Record<string, unknown>[])[0].name = hostile;
      }),
    );
    expect(slackViolations(f.message)).toEqual([]);
    const text = visibleText(f.message);
    expect(text).not.toContain("<!channel>");
    expect(text).toContain("`&lt;!channel&gt; ˋ*bold*ˋ &lt;https://evil.example|x&gt;`");
  });

  it("a sequence finding without `detection` (an older export) still gets the sequence layout and its description", () => {
    const finding = fixture("guardduty/finding-only_attacksequence-iam-compromisedcredentials_sev9-critical_panther.json") as Record<
      string,
      unknown
    >;
    const f = format(guardDutyEvent(finding));
    expect(f.severity).toBe(9);
    expect(visibleText(f.message)).toContain(":chains: *Attack sequence* `AttackSequence:IAM/CompromisedCredentials`");
    expect(visibleText(f.message)).toContain("A sequence of actions involving 4 signals");
    expect(slackViolations(f.message)).toEqual([]);
  });
});
