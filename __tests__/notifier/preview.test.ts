import { spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import { FIXTURE_DIR } from "./fixtures";
import { FakeSlack } from "./slack-server";
import { slackViolations } from "./slack-limits";

const ROOT = path.join(__dirname, "..", "..");

/** Runs the CLI exactly as `npm run preview --` does. */
function preview(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "lambda-src/preview.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ACCOUNT_NAMES: '{"123456789012":"prod"}' },
  });
}

/** Async variant, so the in-process fake Slack can answer while the CLI runs. */
function previewAsync(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return previewWithStdin(undefined, ...args);
}

function previewWithStdin(
  stdin: string | undefined,
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "lambda-src/preview.ts", ...args], { cwd: ROOT });
    child.stdin.end(stdin ?? "");
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("preview CLI", () => {
  it("prints the Slack payload of an EventBridge fixture as JSON with blocks", () => {
    const r = preview(path.join(FIXTURE_DIR, "guardduty", "eb_cryptocurrency-ec2-bitcointool-b-dns_real_sev8-high.json"));
    expect(r.status).toBe(0);
    const payload = JSON.parse(r.stdout) as { text: string; blocks: unknown[] };
    expect(payload.blocks.length).toBeGreaterThan(0);
    expect(payload.text).toContain("GuardDuty High (8)");
    expect(slackViolations(payload)).toEqual([]);
  });

  it("wraps a bare GuardDuty finding and names the account from ACCOUNT_NAMES", () => {
    const r = preview(path.join(FIXTURE_DIR, "guardduty", "finding-only_canary-ec2-stateless-integtest_sev5.json"));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("123456789012 (prod)");
  });

  it("prints an array for an SNS event with several records", () => {
    const r = preview(path.join(FIXTURE_DIR, "sns", "sns-lambda_aws-backup-notifications_notify-slack.json"));
    expect(r.status).toBe(0);
    const payloads = JSON.parse(r.stdout) as { blocks: unknown[] }[];
    expect(Array.isArray(payloads)).toBe(true);
    expect(payloads.length).toBeGreaterThan(1);
    for (const p of payloads) expect(p.blocks.length).toBeGreaterThan(0);
  });

  it("exits 1 with a one-line message and no stack trace for a missing file", () => {
    const r = preview("does/not/exist.json");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("preview: cannot read does/not/exist.json (ENOENT)\n");
  });

  it("exits 1 with a one-line message for invalid JSON", () => {
    const r = preview(path.join(FIXTURE_DIR, "SOURCES.md"));
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^preview: .*SOURCES\.md is not valid JSON/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 1 with usage when no file is given", () => {
    const r = preview();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^preview: usage: preview <event\.json> \[--post URL\|-\]\n$/);
  });

  it("posts the printed payload with --post", async () => {
    const slack = await new FakeSlack().start();
    try {
      const r = await previewAsync(
        path.join(FIXTURE_DIR, "config", "eb_compliance-change_compliant_lambda-public-access.json"),
        "--post",
        slack.url(),
      );
      expect(r.status).toBe(0);
      expect(slack.payloads()).toEqual([JSON.parse(r.stdout)]);
      expect(r.stderr).toContain("posted: HTTP 200");
    } finally {
      await slack.stop();
    }
  });

  it("with --post - reads the webhook URL from standard input, keeping it off the command line", async () => {
    const slack = await new FakeSlack().start();
    try {
      const r = await previewWithStdin(
        `${slack.url()}\n`,
        path.join(FIXTURE_DIR, "config", "eb_compliance-change_compliant_lambda-public-access.json"),
        "--post",
        "-",
      );
      expect(r.stderr).toContain("posted: HTTP 200");
      expect(r.status).toBe(0);
      expect(slack.payloads()).toEqual([JSON.parse(r.stdout)]);
    } finally {
      await slack.stop();
    }
  });
});
