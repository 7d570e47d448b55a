import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { unzipSync } from "fflate";

const ROOT = path.join(__dirname, "..", "..");

interface BundleInfo {
  zipPath: string;
  sha256: string;
  zipBytes: number;
  bundleBytes: number;
  sameObject: boolean;
  /** The zip as the process saw it (its temp copy is removed when the process exits). */
  zipBase64: string;
  /** Whether the temp copy was gone after the process exited. */
  removedOnExit?: boolean;
}

/**
 * Bundles in a fresh Node process (esbuild inside jest's VM sandbox is not representative), calling
 * bundleNotifier twice to check the memo.
 */
function bundleInFreshProcess(env: NodeJS.ProcessEnv = {}): BundleInfo {
  const script =
    'const b=require("./stacks/notifier/bundle.ts");const x=b.bundleNotifier();const y=b.bundleNotifier();' +
    'const zipBase64=require("node:fs").readFileSync(x.zipPath).toString("base64");' +
    "process.stdout.write(JSON.stringify({...x,sameObject:x===y,handler:b.NOTIFIER_HANDLER,zipBase64}));";
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  const info = JSON.parse(out) as BundleInfo;
  return { ...info, removedOnExit: !existsSync(info.zipPath) };
}

describe("the notifier bundle", () => {
  let first: BundleInfo;
  let second: BundleInfo;
  let zip: Buffer;
  let code: string;
  let dir: string;

  beforeAll(() => {
    first = bundleInFreshProcess({ TZ: "UTC" });
    // A different time zone and a different temp dir must not change the bytes.
    dir = mkdtempSync(path.join(tmpdir(), "notifier-bundle-test-"));
    second = bundleInFreshProcess({ TZ: "Pacific/Auckland", TMPDIR: dir });
    zip = Buffer.from(first.zipBase64, "base64");
    code = Buffer.from(unzipSync(zip)["index.js"]).toString("utf8");
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("is byte-identical when built in two fresh processes (different TZ and temp dir)", () => {
    expect(second.sha256).toBe(first.sha256);
    expect(Buffer.from(second.zipBase64, "base64").equals(zip)).toBe(true);
    expect(path.dirname(path.dirname(second.zipPath))).toBe(dir);
  });

  it("writes each process's zip to its own fresh directory, never reusing a file someone else could plant", () => {
    expect(path.dirname(first.zipPath)).not.toBe(path.dirname(second.zipPath));
    expect(path.basename(first.zipPath)).toBe(path.basename(second.zipPath));
    expect(first.removedOnExit).toBe(true);
  });

  it("reports the base64 SHA-256 of the zip it wrote, under a content-addressed name", () => {
    const digest = createHash("sha256").update(zip).digest();
    expect(first.sha256).toBe(digest.toString("base64"));
    expect(path.basename(first.zipPath)).toBe(`threat-alerts-notifier-${digest.toString("hex")}.zip`);
    expect(first.zipBytes).toBe(zip.length);
  });

  it("is memoized within a process", () => {
    expect(first.sameObject).toBe(true);
  });

  it("zips to less than 50 KB", () => {
    expect(first.zipBytes).toBeLessThan(50 * 1024);
  });

  it("holds exactly index.js, with the reported size", () => {
    const files = unzipSync(zip);
    expect(Object.keys(files)).toEqual(["index.js"]);
    expect(files["index.js"].length).toBe(first.bundleBytes);
  });

  it("contains no absolute path and no source map", () => {
    expect(code).not.toContain(ROOT);
    expect(code).not.toContain("/work/");
    expect(code).not.toContain("sourceMappingURL");
    expect(code).not.toContain("sourcesContent");
  });

  it("keeps the AWS SDK external (the runtime provides it)", () => {
    expect(code).toContain('require("@aws-sdk/client-ssm")');
    expect(code).not.toContain("SSMClient.prototype");
  });

  it("loads without the AWS SDK installed and exposes handler (Lambda handler index.handler)", () => {
    const bundleDir = mkdtempSync(path.join(tmpdir(), "notifier-load-"));
    try {
      writeFileSync(path.join(bundleDir, "index.js"), code);
      const result = spawnSync(process.execPath, ["-e", 'const m=require("./index.js");process.stdout.write(typeof m.handler)'], {
        cwd: bundleDir,
        encoding: "utf8",
        env: { PATH: process.env.PATH },
      });
      expect(result.stderr).toBe("");
      expect(result.stdout).toBe("function");
    } finally {
      rmSync(bundleDir, { recursive: true, force: true });
    }
  });
});
