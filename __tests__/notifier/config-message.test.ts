import { formatIncoming } from "../../lambda-src/format";
import type { Formatted } from "../../lambda-src/format";
import { splitRecords } from "../../lambda-src/parse";
import { fixture, snsEvent } from "./fixtures";
import { slackViolations, visibleText } from "./slack-limits";

/** The path in production: EventBridge "Config Rules Compliance Change" → alert topic → SNS → Lambda. */
function viaSns(event: unknown): Formatted {
  const [item] = splitRecords(snsEvent(event));
  return formatIncoming(item, { accountNames: {} });
}

type Block = { type: string; text?: { text: string }; fields?: { text: string }[] };

function fields(f: Formatted): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of f.message.blocks as Block[]) {
    for (const x of b.fields ?? []) {
      const [label, ...value] = x.text.split("\n");
      out[label.replace(/\*/g, "")] = value.join("\n");
    }
  }
  return out;
}

describe("Config compliance-change messages name the rule, the resource and the annotation (real events)", () => {
  it.each([
    [
      "config/eb_compliance-change_compliant-to-noncompliant_loggroup-retention_conformance-pack.json",
      "cw-loggroup-retention-period-check-conformance-pack-qayjyopmd",
      "AWS::Logs::LogGroup",
      "dev1",
      "retentionInDays is less than MinRetentionTime 545 days. Current retentionInDays: 30 days",
      "COMPLIANT → NON_COMPLIANT",
    ],
    [
      "config/eb_compliance-change_noncompliant-new-resource_loggroup-encryption.json",
      "cw-loggroup-retention-period-check-conformance-pack-6cruwvtg2",
      "AWS::Logs::LogGroup",
      "Demo4",
      "This log group is not encrypted.",
      "(first evaluation) → NON_COMPLIANT",
    ],
  ])("%s", (name, rule, resourceType, resourceId, annotation, compliance) => {
    const f = viaSns(fixture(name));
    expect(f.kind).toBe("config");
    expect(f.severity).toBe(4);
    expect(slackViolations(f.message)).toEqual([]);
    const blocks = f.message.blocks as Block[];
    expect(blocks[0].text?.text).toBe(`:x: Config NON_COMPLIANT: ${resourceType} ${resourceId}`);
    expect(blocks[1].text?.text).toBe(`:memo: *Why:* ${annotation}`);
    expect(fields(f)).toMatchObject({ Rule: rule, "Resource type": resourceType, "Resource id": resourceId, Compliance: compliance });
    // The notification line alone (phone, sidebar) says all three.
    expect(f.message.text).toBe(`Config NON_COMPLIANT: ${resourceType} ${resourceId} — rule ${rule}: ${annotation}`);
  });

  it("a COMPLIANT change names rule and resource, without a 'why'", () => {
    const f = viaSns(fixture("config/eb_compliance-change_compliant_lambda-public-access.json"));
    expect(f.severity).toBe(1);
    expect(f.message.text).toBe(
      "Config COMPLIANT: AWS::Lambda::Function NZISM-ComplianceDispatcher — rule lambda-function-public-access-prohibited-conformance-pack-qayjyopmd",
    );
    expect(visibleText(f.message)).not.toContain("*Why:*");
  });

  it("the SNS notification Config sends itself (ComplianceChangeNotification) gets the same message", () => {
    const f = viaSns(fixture("config/sns-notification_compliance-change_noncompliant-to-compliant_aws-docs.json"));
    expect(f.kind).toBe("config");
    expect(f.message.text).toBe("Config COMPLIANT: AWS::::Account 123456789012 — rule cloudtrail-enabled");
    expect(fields(f)).toMatchObject({ Rule: "cloudtrail-enabled", Compliance: "NON_COMPLIANT → COMPLIANT" });
  });

  it("a NON_COMPLIANT change without an annotation says the rule gave none", () => {
    const event = structuredClone(fixture("config/eb_compliance-change_noncompliant-new-resource_loggroup-encryption.json")) as {
      detail: { newEvaluationResult: { annotation?: string } };
    };
    delete event.detail.newEvaluationResult.annotation;
    const f = viaSns(event);
    expect(visibleText(f.message)).toContain("The rule gave no annotation");
    expect(f.message.text).toBe(
      "Config NON_COMPLIANT: AWS::Logs::LogGroup Demo4 — rule cw-loggroup-retention-period-check-conformance-pack-6cruwvtg2",
    );
  });

  it("escapes an annotation that tries to mention the channel", () => {
    const event = structuredClone(fixture("config/eb_compliance-change_noncompliant-new-resource_loggroup-encryption.json")) as {
      detail: { newEvaluationResult: { annotation?: string } };
    };
    event.detail.newEvaluationResult.annotation = "<!channel> see <https://evil.example|here>";
    const f = viaSns(event);
    expect(slackViolations(f.message)).toEqual([]);
    expect(visibleText(f.message)).toContain(":memo: *Why:* &lt;!channel&gt; see &lt;https://evil.example|here&gt;");
  });
});
