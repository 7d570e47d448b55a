/**
 * `npm run discover` end to end: the real script in a child process, exactly as npm runs it,
 * against a local stand-in for STS and GuardDuty. Fake credentials, no config or credentials
 * files, and no instance metadata lookups (AWS_EC2_METADATA_DISABLED), so nothing can reach AWS.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { parseConfig } from "../../config/load";
import { AwsStandIn, type World } from "../helpers/sts-guardduty-stand-in";

const ROOT = join(__dirname, "..", "..");
const SCRIPT: string[] = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.discover.split(" ");

const PROD = "6ab0c1d2e3f4a5b6c7d8e9f0a1b2c3d4";
const DEV_EU = "0123456789abcdef0123456789abcdef";
const DEV_US = "fedcba9876543210fedcba9876543210";
const ROLE = "arn:aws:iam::222222222222:role/ThreatAlertsDeploy";

const WORLD: World = {
  baseKeys: { AKIDTESTBASE: "111111111111" },
  roles: { [ROLE]: "222222222222" },
  regions: {
    "111111111111/eu-north-1": { id: PROD },
    "111111111111/ap-east-1": "not-enabled",
    "222222222222/eu-north-1": { id: DEV_EU, administrator: "999999999999" },
    "222222222222/us-east-1": { id: DEV_US, status: "DISABLED" },
    "222222222222/ap-east-1": "not-enabled",
  },
};

const CONFIG = `project: acme
homeRegion: eu-north-1
regions: [eu-north-1, us-east-1, ap-east-1]
accounts:
  - { name: prod, id: "111111111111" }
  - { name: dev, id: "222222222222", assumeRoleArn: "${ROLE}" }
notifications:
  emails: [security@example.com]
`;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let dir: string;
let aws: AwsStandIn;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "threat-alerts-discover-"));
  aws = await new AwsStandIn(WORLD).start();
});

afterEach(async () => {
  await aws.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the script with a clean environment: nothing inherited (no AWS_PROFILE, no real keys). */
function discover(
  config: string,
  credentials: Record<string, string> = { AWS_ACCESS_KEY_ID: "AKIDTESTBASE", AWS_SECRET_ACCESS_KEY: "fake" },
): Promise<Run> {
  const file = join(dir, "config.yaml");
  writeFileSync(file, config);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    THREAT_ALERTS_CONFIG: file,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: join(dir, "no-such-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-such-credentials"),
    AWS_ENDPOINT_URL_STS: aws.url,
    AWS_ENDPOINT_URL_GUARDDUTY: aws.url,
    ...credentials,
  };
  expect(SCRIPT[0]).toBe("node");
  // Asynchronous: the stand-in answers from this process while the script runs.
  return new Promise((resolve) => {
    execFile(process.execPath, SCRIPT.slice(1), { cwd: ROOT, env, encoding: "utf8" }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("npm run discover", () => {
  test("lists each account's detectors per region through its role and prints the existingDetectors YAML", async () => {
    const r = await discover(CONFIG);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.code).toBe(0);

    // The YAML on stdout: the detectors found, by account name and region.
    expect(parse(r.stdout)).toEqual({
      guardduty: { existingDetectors: { prod: { "eu-north-1": PROD }, dev: { "eu-north-1": DEV_EU, "us-east-1": DEV_US } } },
    });

    // The report names the config it read and says what it found where.
    expect(r.stderr).toContain(`config ${join(dir, "config.yaml")}: 2 accounts x 3 regions`);
    expect(r.stderr).toMatch(/^prod \(111111111111\)$/m);
    expect(r.stderr).toMatch(new RegExp(`^dev \\(222222222222, via ${ROLE.replace(/[/]/g, "\\/")}\\)$`, "m"));
    expect(r.stderr).toMatch(/^ {2}us-east-1 +no detector \(one is created on deploy\)$/m);
    expect(r.stderr).toMatch(
      /^ {2}ap-east-1 +not listed: not enabled in this account \(the region refused the credentials: UnrecognizedClientException\); an opt-in region/m,
    );
    expect(r.stderr).toMatch(/note: us-east-1: the detector is suspended \(status DISABLED\)/);
    expect(r.stderr).toMatch(/note: eu-north-1: this account is a GuardDuty member of administrator account 999999999999/);

    // What the stand-in saw: STS in the home region, AssumeRole with the configured role, and
    // each account's ListDetectors signed for each region with that account's credentials.
    const sts = aws.requests.filter((q) => q.service === "sts");
    expect(sts.map((q) => [q.params.Action, q.region, q.accessKeyId])).toEqual(
      expect.arrayContaining([
        ["GetCallerIdentity", "eu-north-1", "AKIDTESTBASE"],
        ["AssumeRole", "eu-north-1", "AKIDTESTBASE"],
      ]),
    );
    expect(sts.find((q) => q.params.Action === "AssumeRole")?.params).toMatchObject({
      RoleArn: ROLE,
      RoleSessionName: "threat-alerts-discover",
    });
    const lists = aws.requests
      .filter((q) => q.service === "guardduty" && q.path.split("?")[0] === "/detector")
      .map((q) => `${q.accessKeyId} ${q.region} ${q.sessionToken ?? "-"}`)
      .sort();
    expect(lists).toEqual(
      [
        "AKIDTESTBASE ap-east-1 -",
        "AKIDTESTBASE eu-north-1 -",
        "AKIDTESTBASE us-east-1 -",
        "ASIA222222222222 ap-east-1 session-222222222222",
        "ASIA222222222222 eu-north-1 session-222222222222",
        "ASIA222222222222 us-east-1 session-222222222222",
      ].sort(),
    );
    // Only read calls, and only to the stand-in's two services.
    expect(
      aws.requests.every((q) => (q.service === "sts" || q.service === "guardduty") && (q.service === "sts" || q.method === "GET")),
    ).toBe(true);
  });

  test("the printed YAML, pasted into the config, validates and adopts exactly those detectors; a second run says so", async () => {
    const first = await discover(CONFIG);
    expect(first.code).toBe(0);
    const pasted = `${CONFIG}${first.stdout}`;
    const config = parseConfig(pasted, "pasted.yaml");
    expect(config.guardduty.existingDetectors).toEqual({
      prod: { "eu-north-1": PROD },
      dev: { "eu-north-1": DEV_EU, "us-east-1": DEV_US },
    });

    const second = await discover(pasted);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(new RegExp(`^ {2}eu-north-1 +${PROD} \\(adopted in the config\\)$`, "m"));
    expect(second.stderr).toMatch(new RegExp(`^ {2}us-east-1 +${DEV_US} \\(suspended\\) \\(adopted in the config\\)$`, "m"));
    expect(second.stderr).not.toContain("not in the config yet");
  });

  test("entries in the config that differ from what exists are called out", async () => {
    const stale = "ffffffffffffffffffffffffffffffff";
    const r = await discover(
      `${CONFIG}guardduty:\n  existingDetectors:\n    prod: { us-east-1: ${stale} }\n    dev: { eu-north-1: ${stale} }\n`,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(`^ {2}us-east-1 +no detector \\(one is created on deploy\\); the config adopts ${stale} here: remove that entry`, "m"),
    );
    expect(r.stderr).toMatch(new RegExp(`^ {2}eu-north-1 +${DEV_EU} \\(the config adopts ${stale}: replace it\\)$`, "m"));
    expect(r.stderr).toMatch(new RegExp(`^ {2}eu-north-1 +${PROD} \\(new: not in the config yet\\)$`, "m"));
  });

  test("a profile's credentials are used like any others (AWS_PROFILE, credential_process)", async () => {
    const script = join(dir, "creds.sh");
    writeFileSync(script, `#!/bin/sh\necho '${JSON.stringify({ Version: 1, AccessKeyId: "AKIDTESTBASE", SecretAccessKey: "fake" })}'\n`, {
      mode: 0o700,
    });
    writeFileSync(join(dir, "aws-config"), `[profile security]\ncredential_process = ${script}\n`);
    const r = await discover(CONFIG, { AWS_PROFILE: "security", AWS_CONFIG_FILE: join(dir, "aws-config") });
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.code).toBe(0);
    expect(parse(r.stdout).guardduty.existingDetectors.prod).toEqual({ "eu-north-1": PROD });
    expect(aws.requests.find((q) => q.service === "sts")?.accessKeyId).toBe("AKIDTESTBASE");
  });

  test("an account it cannot reach makes the run incomplete and the exit non-zero, and the rest is still listed", async () => {
    const r = await discover(`project: acme
homeRegion: eu-north-1
regions: [eu-north-1]
accounts:
  - { name: prod, id: "111111111111" }
  - { name: stage, id: "333333333333", assumeRoleArn: "arn:aws:iam::333333333333:role/Nope" }
  - { name: test, id: "444444444444" }
notifications: { emails: [security@example.com] }
`);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).toMatch(/^ {2}skipped: cannot assume arn:aws:iam::333333333333:role\/Nope: access denied \(AccessDenied: /m);
    expect(r.stderr).toMatch(/^ {2}skipped: the credentials are for account 111111111111, not 444444444444: add assumeRoleArn/m);
    expect(r.stderr).toMatch(/^incomplete: not listed: stage, test;/m);
    expect(parse(r.stdout)).toEqual({ guardduty: { existingDetectors: { prod: { "eu-north-1": PROD } } } });
    // Nothing was listed with the wrong account's credentials.
    expect(aws.requests.filter((q) => q.service === "guardduty").map((q) => q.region)).toEqual(["eu-north-1", "eu-north-1", "eu-north-1"]);
  });

  test("without credentials it says so in one line, exits non-zero and sends no request anywhere", async () => {
    const r = await discover(CONFIG, {});
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^threat-alerts discover: no AWS credentials found; log in .*AWS_ACCESS_KEY_ID/);
    expect(r.stderr).not.toMatch(/\bat \S+:\d+/);
    // AWS_EC2_METADATA_DISABLED keeps the chain away from 169.254.169.254; the endpoints saw nothing either.
    expect(aws.requests).toEqual([]);
  });

  test("credentials STS refuses are one line too, and nothing else is queried", async () => {
    const r = await discover(CONFIG, { AWS_ACCESS_KEY_ID: "AKIDREVOKED", AWS_SECRET_ACCESS_KEY: "fake" });
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^threat-alerts discover: the AWS credentials were refused \(InvalidClientTokenId: .*\); check AWS_PROFILE/),
    ]);
    expect(aws.requests.map((q) => `${q.service} ${q.params.Action ?? q.path}`)).toEqual(["sts GetCallerIdentity"]);
  });

  test("a config mistake prints like the synth's, exits 1 and queries nothing", async () => {
    const r = await discover(
      "project: acme\nhomeRegion: us-east-1\nregions: [us-east-1, eu-west-9]\nnotifications: { emails: [security@example.com] }\n",
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^threat-alerts: invalid config .*config\.yaml: 1 problem:\n {2}- regions\[1\]: "eu-west-9" is not an AWS region name/,
    );
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(aws.requests).toEqual([]);
  });
});
