/**
 * The first day, run the way a user runs it: the app as cdktf.json starts it, and the real cdktf
 * CLI with no terraform on PATH.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

const ROOT = join(__dirname, "..");
const APP: string[] = JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")).app.split(" ");
const CDKTF = join(ROOT, "node_modules", "cdktf-cli", "bundle", "bin", "cdktf");

/** PATH without any directory that holds a `terraform` executable. */
function pathWithoutTerraform(): string {
  return (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => {
      try {
        accessSync(join(dir, "terraform"), constants.X_OK);
        return false;
      } catch {
        return true;
      }
    })
    .join(delimiter);
}

const EMAIL_ONLY = "project: acme\nhomeRegion: us-east-1\nregions: [us-east-1]\nnotifications: { emails: [security@example.com] }\n";

describe("local state outside the synth output", () => {
  let dir: string;
  let outdir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "threat-alerts-state-"));
    outdir = join(dir, "cdktf.out");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the app from `dir` (as a user's project root) with a config there. */
  function runApp(yaml: string) {
    writeFileSync(join(dir, "config.yaml"), yaml);
    return spawnSync(process.execPath, [join(ROOT, APP[1]), join(ROOT, APP[2])], {
      cwd: dir,
      env: { ...process.env, THREAT_ALERTS_CONFIG: join(dir, "config.yaml"), CDKTF_OUTDIR: "cdktf.out" },
      encoding: "utf8",
    });
  }

  test("a state file an earlier version left in cdktf.out stops the synth with the commands that move it; afterwards synth runs", () => {
    const stackDir = join(outdir, "stacks", "acme");
    mkdirSync(stackDir, { recursive: true });
    writeFileSync(join(stackDir, "cdk.tf.json"), "{}");
    writeFileSync(join(stackDir, "terraform.acme.tfstate"), "state");
    writeFileSync(join(stackDir, "terraform.acme.tfstate.backup"), "backup");

    const stopped = runApp(EMAIL_ONLY);
    expect(stopped.status).toBe(1);
    expect(stopped.stderr).toContain("mv cdktf.out/stacks/acme/terraform.acme.tfstate state/acme.tfstate");
    expect(stopped.stderr).toContain("mv cdktf.out/stacks/acme/terraform.acme.tfstate.backup state/acme.tfstate.backup");
    expect(stopped.stderr).toContain("npx cdktf diff acme --migrate-state");
    expect(stopped.stderr).not.toMatch(/^\s+at /m);
    // Nothing touched: the old files are where they were and no new output was written.
    expect(readFileSync(join(stackDir, "terraform.acme.tfstate"), "utf8")).toBe("state");
    expect(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")).toBe("{}");
    expect(existsSync(join(outdir, "manifest.json"))).toBe(false);

    mkdirSync(join(dir, "state"));
    renameSync(join(stackDir, "terraform.acme.tfstate"), join(dir, "state", "acme.tfstate"));
    renameSync(join(stackDir, "terraform.acme.tfstate.backup"), join(dir, "state", "acme.tfstate.backup"));
    const ran = runApp(EMAIL_ONLY);
    expect(ran.status).toBe(0);
    const tf = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
    expect(tf.terraform.backend.local.path).toBe("../../../state/acme.tfstate");
    // Terraform resolves the path from the stack's working directory: the moved file.
    expect(readFileSync(join(stackDir, tf.terraform.backend.local.path), "utf8")).toBe("state");
  });
});

describe("the real cdktf CLI with no terraform on PATH", () => {
  const PATH = pathWithoutTerraform();
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "threat-alerts-cdktf-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function cdktfSynth(yaml: string, outdir: string) {
    writeFileSync(join(dir, "config.yaml"), yaml);
    return spawnSync(process.execPath, [CDKTF, "synth", "--output", outdir], {
      cwd: ROOT,
      env: {
        ...process.env,
        PATH,
        THREAT_ALERTS_CONFIG: join(dir, "config.yaml"),
        CHECKPOINT_DISABLE: "1",
        CI: "1",
        FORCE_COLOR: "0",
      },
      encoding: "utf8",
      timeout: 120_000,
    });
  }

  test("terraform is really hidden", () => {
    expect(spawnSync("sh", ["-c", "command -v terraform"], { env: { PATH } }).status).not.toBe(0);
  });

  test("synthesizes a Terraform Cloud stack, and prints the config line and notes as plain lines, not errors", () => {
    const outdir = join(dir, "out");
    const r = cdktfSynth(
      `${EMAIL_ONLY.replace("[us-east-1]", "[us-east-1, ap-east-2]")}backend: { type: cloud, cloud: { organization: my-org } }\n`,
      outdir,
    );
    const output = r.stdout + r.stderr;
    expect({ status: r.status, output }).toEqual({ status: 0, output: expect.any(String) });
    const tf = JSON.parse(readFileSync(join(outdir, "stacks", "acme", "cdk.tf.json"), "utf8"));
    expect(tf.terraform.cloud).toEqual({ organization: "my-org", workspaces: { name: "threat-alerts-acme" } });
    expect(output).toMatch(/^threat-alerts: config .*config\.yaml \(from THREAT_ALERTS_CONFIG\)$/m);
    expect(output).toMatch(/^threat-alerts: note: guardduty\.features\.rdsLoginEvents: .*ap-east-2/m);
    expect(output).not.toMatch(/\[ERROR\].*threat-alerts/);
  });

  test("a state file inside the output of a stack that left the config survives: synth stops before cdktf deletes the directory", () => {
    const outdir = join(dir, "out");
    const orphan = join(outdir, "stacks", "acme-old");
    mkdirSync(orphan, { recursive: true });
    writeFileSync(join(orphan, "terraform.acme-old.tfstate"), "state");
    const r = cdktfSynth(EMAIL_ONLY, outdir);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(`mv ${join(orphan, "terraform.acme-old.tfstate")} ${join(dir, "state", "acme-old.tfstate")}`);
    expect(readFileSync(join(orphan, "terraform.acme-old.tfstate"), "utf8")).toBe("state");
  });
});
