import { diffOutputs, diffStack, REPLACING_ATTRIBUTES } from "../../scripts/summary/diff";
import { loadPriceTable } from "../../scripts/summary/cost";
import { diffSection, renderSummary } from "../../scripts/summary/markdown";
import { indexStack, readSynthOutput, type StackJson, type SynthOutput } from "../../scripts/summary/synth-output";
import { synthYaml, type Synthesized } from "../helpers/synth";

const BEFORE = `
project: acme
homeRegion: us-east-1
regions: [us-east-1, eu-west-1]
notifications:
  emails: [security@example.com]
  chatbot: { slackTeamId: T0123ABCD, slackChannelId: C0123ABCD }
  slack: { webhookParameter: /threat-alerts/slack-webhook }
cloudtrail:
  logGroup: { name: aws-cloudtrail-logs }
`;
// One region more, one CloudTrail alarm fewer.
const AFTER = BEFORE.replace("regions: [us-east-1, eu-west-1]", "regions: [us-east-1, eu-west-1, ap-southeast-2]").replace(
  "  logGroup: { name: aws-cloudtrail-logs }",
  "  logGroup: { name: aws-cloudtrail-logs }\n  alarms: { VpcChanges: { enabled: false } }",
);

describe("--against: two outputs that differ by one region and one alarm", () => {
  let before: Synthesized;
  let after: Synthesized;
  let outputs: [SynthOutput, SynthOutput];
  beforeAll(() => {
    before = synthYaml(BEFORE);
    after = synthYaml(AFTER);
    outputs = [readSynthOutput(before.outdir), readSynthOutput(after.outdir)];
  });
  afterAll(() => {
    before.cleanup();
    after.cleanup();
  });

  test("report exactly the added region and the removed alarm (its alarm and metric filter)", () => {
    const [d] = diffOutputs(...outputs);
    expect(d.stack).toBe("acme");
    expect(d.regionsAdded).toEqual(["ap-southeast-2"]);
    expect(d.regionsRemoved).toEqual([]);
    expect(d.settings).toEqual([]);
    // Outside the new region, the only removals are the VpcChanges alarm and its filter, and nothing is added or replaced.
    expect(d.resources.filter((c) => c.change !== "changed").map((c) => [c.change, c.type, c.label])).toEqual([
      ["removed", "aws_cloudwatch_log_metric_filter", "acme-VpcChanges"],
      ["removed", "aws_cloudwatch_metric_alarm", "acme-VpcChanges"],
    ]);
    expect(d.destructive.map((c) => c.label)).toEqual(["acme-VpcChanges", "acme-VpcChanges"]);
    // What changes in place does so only to reach the new region (Chatbot serves its topic).
    for (const c of d.resources.filter((x) => x.change === "changed")) expect(c.coversNewRegions).toEqual(["ap-southeast-2"]);
    // Everything added belongs to the new region, including the notifier's permission for its topic (provider: home region).
    const added = d.regionResources["ap-southeast-2"];
    expect(added.every((c) => c.change === "added")).toBe(true);
    expect(added.map((c) => c.type)).toEqual(
      expect.arrayContaining(["aws_guardduty_detector", "aws_sns_topic", "aws_kms_key", "aws_lambda_permission"]),
    );
    const newRegionResources = outputs[1].stacks
      .get("acme")!
      .items.filter((i) => i.kind === "resource" && i.region === "ap-southeast-2").length;
    expect(added.filter((c) => c.region === "ap-southeast-2")).toHaveLength(newRegionResources);
  });

  test("say it in words, loudly for the destroyed alarm, and name no other alarm", () => {
    const md = renderSummary(outputs[1], { prices: loadPriceTable(), against: { label: "base.out", diffs: diffOutputs(...outputs) } });
    const section = md.slice(md.indexOf("### Changes against `base.out`"));
    expect(section).toMatch(/- \*\*Region added: ap-southeast-2\*\* \(\d+ resources: .*1 GuardDuty detector.*\)/);
    expect(section).toContain("> **2 resource(s) will be destroyed or replaced.**");
    expect(section).toContain("> - **destroyed**: CloudWatch alarm `acme-VpcChanges` (us-east-1)");
    expect(section).toContain(
      "changed in place: Chatbot Slack channel configuration `acme-alerts` (us-east-2): sns_topic_arns (now also covers ap-southeast-2)",
    );
    const alarmNames = [...section.matchAll(/`(acme-[A-Za-z]+)`/g)].map((m) => m[1]).filter((n) => n !== "acme-alerts");
    expect(new Set(alarmNames)).toEqual(new Set(["acme-VpcChanges"]));
  });

  test("the same output against itself changes nothing", () => {
    expect(diffOutputs(outputs[1], outputs[1]).map((d) => d.status)).toEqual(["unchanged"]);
  });
});

describe("replacements are called out", () => {
  const stack = (resource: StackJson["resource"], extra: Partial<StackJson> = {}) =>
    indexStack("s", {
      provider: { aws: [{ alias: "eu_west_1", region: "eu-west-1" }] },
      terraform: { backend: { local: { path: "a" } } },
      resource,
      ...extra,
    });
  const key = { provider: "aws.eu_west_1", description: "k", enable_key_rotation: true };

  test("an attribute that forces a new resource (KMS key spec) is a replacement; a description is in place", () => {
    const before = stack({ aws_kms_key: { k: key } });
    const spec = diffStack("s", before, stack({ aws_kms_key: { k: { ...key, customer_master_key_spec: "RSA_2048" } } }));
    expect(spec.resources).toEqual([
      expect.objectContaining({ change: "replaced", address: "aws_kms_key.k", attributes: ["customer_master_key_spec"] }),
    ]);
    expect(spec.destructive).toHaveLength(1);
    const desc = diffStack("s", before, stack({ aws_kms_key: { k: { ...key, description: "new" } } }));
    expect(desc.resources).toEqual([
      expect.objectContaining({ change: "changed", attributes: ["description"], details: ['description: "k" -> "new"'] }),
    ]);
    expect(desc.destructive).toEqual([]);
    expect(diffSection(desc, "old").join("\n")).toContain('- changed in place: KMS key `new` (eu-west-1): description: "k" -> "new"');
  });

  test("a topic renamed in AWS is replaced; every Lambda permission change is a replacement", () => {
    expect(REPLACING_ATTRIBUTES.aws_sns_topic).toContain("name");
    const t = (name: string) => stack({ aws_sns_topic: { t: { provider: "aws.eu_west_1", name } } });
    expect(diffStack("s", t("a"), t("b")).resources[0].change).toBe("replaced");
    const p = (sid: string) => stack({ aws_lambda_permission: { p: { provider: "aws.eu_west_1", statement_id: sid } } });
    expect(diffStack("s", p("a"), p("b")).resources[0].change).toBe("replaced");
  });

  test("a construct id renamed without moveTo is a replacement; with a moved block it is a move", () => {
    const before = stack({ aws_kms_key: { old_id: key } });
    const renamed = diffStack("s", before, stack({ aws_kms_key: { new_id: key } }));
    expect(renamed.resources).toEqual([
      expect.objectContaining({
        change: "replaced",
        address: "aws_kms_key.new_id",
        reason: expect.stringContaining("aws_kms_key.old_id without a moved block"),
      }),
    ]);
    const moved = diffStack(
      "s",
      before,
      stack({ aws_kms_key: { new_id: key } }, { moved: [{ from: "aws_kms_key.old_id", to: "aws_kms_key.new_id" }] }),
    );
    expect(moved.resources).toEqual([expect.objectContaining({ change: "moved", reason: "aws_kms_key.old_id" })]);
    expect(moved.destructive).toEqual([]);
  });

  test("a detector adopted with an import block is not created; one dropped with removed { destroy = false } is not destroyed", () => {
    const detector = { provider: "aws.eu_west_1", enable: true };
    const none = stack({});
    const adopted = diffStack(
      "s",
      none,
      stack({ aws_guardduty_detector: { d: detector } }, { import: [{ to: "aws_guardduty_detector.d", id: "abc" }] }),
    );
    expect(adopted.resources).toEqual([expect.objectContaining({ change: "imported", address: "aws_guardduty_detector.d" })]);
    const before = stack({ aws_guardduty_detector: { d: detector } });
    const forgotten = diffStack("s", before, stack({}, { removed: [{ from: "aws_guardduty_detector.d", lifecycle: { destroy: false } }] }));
    expect(forgotten.resources).toEqual([expect.objectContaining({ change: "forgotten" })]);
    expect(forgotten.destructive).toEqual([]);
    const destroyed = diffStack("s", before, stack({}));
    expect(destroyed.destructive).toEqual([expect.objectContaining({ change: "removed", address: "aws_guardduty_detector.d" })]);
    const md = diffSection(destroyed, "old").join("\n");
    expect(md).toContain("**destroyed**: GuardDuty detector `d` (eu-west-1); the detector's findings history and settings go with it");
  });

  test("a backend change warns that the state must be migrated", () => {
    const before = stack({});
    const after = indexStack("s", { ...before.json, terraform: { backend: { s3: { bucket: "b", key: "k" } } } });
    expect(diffStack("s", before, after).settings[0]).toMatch(/^\*\*State location changes\*\*/);
  });
});
