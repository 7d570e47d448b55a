import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../config/load";
import { RulePackError, synthChecked } from "../../stacks/checked-synth";
import { RULES } from "../../stacks/rules";
import { everyTargetBroken } from "../helpers/app-with-broken-rule";
import { BASE_YAML } from "../helpers/synth";

const CONFIG = parseConfig(BASE_YAML);

describe("the synth-time rule pack", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "threat-alerts-checked-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("a clean synth writes the stacks and keeps other files in the output directory (a stack's .terraform, local state)", () => {
    const outdir = join(dir, "out");
    mkdirSync(join(outdir, "stacks", "acme", ".terraform"), { recursive: true });
    writeFileSync(join(outdir, "stacks", "acme", "terraform.acme.tfstate"), "{}");
    const { reports } = synthChecked(CONFIG, { outdir });
    expect(readdirSync(join(outdir, "stacks", "acme")).sort()).toEqual([".terraform", "cdk.tf.json", "terraform.acme.tfstate"]);
    expect(readFileSync(join(outdir, "stacks", "acme", "terraform.acme.tfstate"), "utf8")).toBe("{}");
    expect(existsSync(join(outdir, "manifest.json"))).toBe(true);
    expect(reports.acme.violations).toEqual([]);
    expect(reports.acme.compliant).toBeGreaterThan(10);
    // Waived findings keep the waiver's reason.
    expect(reports.acme.waived.length).toBeGreaterThan(0);
    for (const w of reports.acme.waived) expect(w.reason.length).toBeGreaterThan(20);
    expect(readdirSync(dir)).toEqual(["out"]);
  });

  test("a violation names the stack, rule, resource address and fix, and writes nothing", () => {
    const outdir = join(dir, "out");
    let error: unknown;
    try {
      synthChecked(CONFIG, { outdir, rules: [...RULES, everyTargetBroken] });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RulePackError);
    const message = (error as Error).message;
    expect(message).toMatch(/^2 rule violations in the synthesized stacks \(nothing was written\):\n/);
    expect(message).toMatch(
      /  - acme: TA-TEST aws_cloudwatch_event_target\.us_east_1_guardduty-findings_target_[0-9A-F]+: add the missing piece/,
    );
    expect((error as RulePackError).violations.map((v) => v.stack)).toEqual(["acme", "acme"]);
    // No output directory, and no staging directory left beside it.
    expect(readdirSync(dir)).toEqual([]);
  });

  test("an output directory whose parents don't exist yet is created, and they are removed again on a violation", () => {
    const outdir = join(dir, "a", "b", "out");
    expect(() => synthChecked(CONFIG, { outdir, rules: [everyTargetBroken] })).toThrow(RulePackError);
    expect(readdirSync(dir)).toEqual([]);
    synthChecked(CONFIG, { outdir });
    expect(existsSync(join(outdir, "stacks", "acme", "cdk.tf.json"))).toBe(true);
    expect(readdirSync(join(dir, "a", "b"))).toEqual(["out"]);
  });

  test("a violation leaves an existing output directory exactly as it was", () => {
    const outdir = join(dir, "out");
    synthChecked(CONFIG, { outdir });
    const before = readFileSync(join(outdir, "stacks", "acme", "cdk.tf.json"), "utf8");
    const changed = parseConfig(BASE_YAML.replace("regions: [us-east-1, eu-west-1]", "regions: [us-east-1]"));
    expect(() => synthChecked(changed, { outdir, rules: [everyTargetBroken] })).toThrow(RulePackError);
    expect(readFileSync(join(outdir, "stacks", "acme", "cdk.tf.json"), "utf8")).toBe(before);
    expect(readdirSync(dir)).toEqual(["out"]);
  });

  test("a waiver turns the violation into a waived finding with its reason", () => {
    const outdir = join(dir, "out");
    const { reports } = synthChecked(CONFIG, {
      outdir,
      rules: [everyTargetBroken],
      waivers: [{ rule: "TA-TEST", address: /guardduty-findings_target/, reason: "a test waiver that says why it is acceptable" }],
    });
    expect(reports.acme.violations).toEqual([]);
    expect(reports.acme.waived.map((w) => w.reason)).toEqual([
      "a test waiver that says why it is acceptable",
      "a test waiver that says why it is acceptable",
    ]);
  });

  test("the real entry: a violation is printed with its address and fix, exit 1, no stack trace, no output directory", () => {
    writeFileSync(join(dir, "config.yaml"), BASE_YAML);
    const outdir = join(dir, "out");
    const root = join(__dirname, "..", "..");
    const r = spawnSync(process.execPath, [join(root, "bin", "run-ts.js"), join(root, "__tests__", "helpers", "app-with-broken-rule.ts")], {
      cwd: root,
      env: { ...process.env, THREAT_ALERTS_CONFIG: join(dir, "config.yaml"), CDKTF_OUTDIR: outdir },
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^threat-alerts: 2 rule violations in the synthesized stacks \(nothing was written\):\n/);
    expect(r.stderr).toMatch(
      /^  - acme: TA-TEST aws_cloudwatch_event_target\.eu_west_1_guardduty-findings_target_[0-9A-F]+: add the missing piece$/m,
    );
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(readdirSync(dir)).toEqual(["config.yaml"]);
  });
});
