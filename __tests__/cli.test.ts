import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..");
/** cdktf.json's `app`, exactly as `cdktf synth` runs it. */
const APP: string[] = JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")).app.split(" ");

/** Runs the app exactly as cdktf.json's `app` does, with a config file and an output dir. */
function runApp(configYaml: string | undefined) {
  const dir = mkdtempSync(join(tmpdir(), "threat-alerts-cli-"));
  const outdir = join(dir, "out");
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  if (configYaml !== undefined) {
    writeFileSync(join(dir, "config.yaml"), configYaml);
    env.THREAT_ALERTS_CONFIG = join(dir, "config.yaml");
  }
  expect(APP[0]).toBe("node");
  const r = spawnSync(process.execPath, APP.slice(1), { cwd: ROOT, env, encoding: "utf8" });
  return { ...r, outdir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe("the app entry point", () => {
  test("with no THREAT_ALERTS_CONFIG it synthesizes the bundled example", () => {
    const r = runApp(undefined);
    try {
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toBe("threat-alerts: config threat-alerts.yaml (the default: THREAT_ALERTS_CONFIG is not set)\n");
      expect(readdirSync(join(r.outdir, "stacks"))).toEqual(["acme"]);
    } finally {
      r.cleanup();
    }
  });

  test("a bad config prints each problem with its field, exits 1, writes nothing and shows no stack trace", () => {
    const r = runApp("project: acme\nhomeRegion: us-east-1\nregions: [us-east-1, eu-west-9]\nnotifications: { emails: [nope] }\n");
    try {
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('regions[1]: "eu-west-9" is not an AWS region name');
      expect(r.stderr).toContain("notifications.emails[0]: use an email address");
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(existsSync(r.outdir)).toBe(false);
    } finally {
      r.cleanup();
    }
  });

  test("a refused console allow-list entry is a config error, and warnings are printed without stopping the synth", () => {
    const bad = runApp(
      "project: acme\nhomeRegion: us-east-1\nregions: [us-east-1]\nnotifications: { emails: [a@example.com] }\ncloudtrail: { logGroup: { name: x }, consoleLogin: { allowedIps: [10.0.0.0/12] } }\n",
    );
    const warned = runApp(
      "project: acme\nhomeRegion: us-east-1\nregions: [us-east-1]\nnotifications: { emails: [a@example.com] }\ncloudtrail: { logGroup: { name: x }, consoleLogin: { allowedIps: [] } }\n",
    );
    try {
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/cloudtrail\.consoleLogin\.allowedIps\[0\]: "10\.0\.0\.0\/12"/);
      expect(bad.stderr).not.toMatch(/^\s+at /m);
      expect(existsSync(bad.outdir)).toBe(false);
      expect(warned.status).toBe(0);
      // On stdout: cdktf labels every stderr line of the app [ERROR].
      expect(warned.stdout).toMatch(/^threat-alerts: warning: .*allowedIps is empty/m);
      expect(warned.stderr).toBe("");
    } finally {
      bad.cleanup();
      warned.cleanup();
    }
  });

  test("a missing config file says how to point at one", () => {
    const dir = mkdtempSync(join(tmpdir(), "threat-alerts-cli-"));
    const r = spawnSync(process.execPath, APP.slice(1), {
      cwd: ROOT,
      env: { ...process.env, THREAT_ALERTS_CONFIG: join(dir, "nope.yaml"), CDKTF_OUTDIR: join(dir, "out") },
      encoding: "utf8",
    });
    rmSync(dir, { recursive: true, force: true });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/nope\.yaml: 1 problem:\n  - file not found; .*THREAT_ALERTS_CONFIG/);
  });

  test("each GuardDuty suppression is printed with what it archives and why, and the synth goes on", () => {
    const r = runApp(
      "project: acme\nhomeRegion: us-east-1\nregions: [us-east-1, eu-west-1]\nnotifications: { emails: [security@example.com] }\nguardduty:\n  suppress:\n    - name: internal-scanner\n      reason: weekly authorised port scan from the security VPC\n      findingTypes: [Recon:EC2/PortProbeUnprotectedPort]\n",
    );
    try {
      expect(r.status).toBe(0);
      // Information, so on stdout: cdktf labels every stderr line of the app [ERROR].
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain(
        'threat-alerts: suppressing "internal-scanner" (GuardDuty filter acme-internal-scanner, 2 regions; Recon:EC2/PortProbeUnprotectedPort): weekly authorised port scan from the security VPC\n',
      );
      expect(readdirSync(join(r.outdir, "stacks"))).toEqual(["acme"]);
    } finally {
      r.cleanup();
    }
  });
});
