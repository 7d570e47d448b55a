/**
 * The app launcher (bin/run-ts.js): one esbuild bundle of an entry and everything it imports,
 * cached on disk, loaded with require. Each test uses its own empty cache directory
 * (THREAT_ALERTS_LAUNCH_CACHE) so cold and warm starts are what they say.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../config/load";
import { readTree } from "./helpers/files";
import { synthConfig } from "./helpers/synth";

const ROOT = join(__dirname, "..");
const LAUNCHER = join(ROOT, "bin", "run-ts.js");

let dir: string;
let cache: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "threat-alerts-launcher-"));
  cache = join(dir, "cache");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function launch(entry: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [LAUNCHER, entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, THREAT_ALERTS_LAUNCH_CACHE: cache, ...env },
    encoding: "utf8",
  });
}

/** The project bundles in the cache (each entry also has a vendor bundle of its packages). */
const bundles = () => readdirSync(cache).filter((f) => f.endsWith(".js") && !f.includes("-vendor-"));
const vendors = () => readdirSync(cache).filter((f) => f.includes("-vendor-") && f.endsWith(".js"));

/** A tiny project outside the repository: an entry and the modules it imports. */
function project(files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return join(dir, "entry.ts");
}

describe("the app launcher", () => {
  test("the launched app writes the same bytes as an in-process synth, cold and warm; the warm start reuses the bundle", () => {
    const cold = launch("main.ts", [], { CDKTF_OUTDIR: join(dir, "cold") });
    expect(cold.stderr).toBe("");
    expect(cold.status).toBe(0);
    // The app's bundle, its vendor bundle, and the notifier's esbuild output the app caches beside them.
    const files = readdirSync(cache).sort();
    expect(files.filter((f) => f.endsWith(".js"))).toEqual([
      expect.stringMatching(/^main\.ts-[0-9a-f]{8}-[0-9a-f]{32}\.js$/),
      expect.stringMatching(/^main\.ts-[0-9a-f]{8}-vendor-[0-9a-f]{32}\.js$/),
      expect.stringMatching(/^notifier-[0-9a-f]{8}-[0-9a-f]{32}\.js$/),
    ]);
    const built = files.map((f) => statSync(join(cache, f)).mtimeMs);
    const warm = launch("main.ts", [], { CDKTF_OUTDIR: join(dir, "warm") });
    expect(warm.status).toBe(0);
    // Nothing rebuilt or rewritten.
    expect(readdirSync(cache).sort()).toEqual(files);
    expect(files.map((f) => statSync(join(cache, f)).mtimeMs)).toEqual(built);

    const reference = synthConfig(parseConfig(readFileSync(join(ROOT, "threat-alerts.yaml"), "utf8")), join(dir, "in-process"));
    const expected = readTree(reference.outdir);
    expect(expected.size).toBeGreaterThan(1);
    for (const out of ["cold", "warm"]) {
      const tree = readTree(join(dir, out));
      expect([...tree.keys()]).toEqual([...expected.keys()]);
      for (const [path, bytes] of tree) expect({ out, path, same: bytes.equals(expected.get(path)!) }).toEqual({ out, path, same: true });
    }
  });

  test("modules keep their own __dirname, __filename and class names; the entry is the main module with its arguments", () => {
    const entry = project({
      "entry.ts": [
        'import { where, Widget as A } from "./lib/a";',
        'import { Widget as B } from "./b";',
        "console.log(JSON.stringify({ where, names: [A.name, B.name], main: require.main === module, argv: process.argv.slice(1) }));",
      ].join("\n"),
      "b.ts": "export class Widget {}\n",
    });
    mkdirSync(join(dir, "lib"));
    writeFileSync(join(dir, "lib", "a.ts"), "export class Widget {}\nexport const where = [__dirname, __filename];\n");
    const r = launch(entry, ["x", "--y"]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      where: [join(dir, "lib"), join(dir, "lib", "a.ts")],
      names: ["Widget", "Widget"],
      main: true,
      argv: [entry, "x", "--y"],
    });
  });

  test("a changed source or tsconfig.json rebuilds only the project bundle; a new package import rebuilds the vendor bundle too", () => {
    const entry = project({
      "entry.ts": 'import { Construct } from "constructs";\nimport { v } from "./dep";\nconsole.log(v, typeof Construct);\n',
      "dep.ts": "export const v = 1;\n",
    });
    expect(launch(entry).stdout).toBe("1 function\n");
    expect(launch(entry).stdout).toBe("1 function\n");
    expect(bundles()).toHaveLength(1);
    const [vendor] = vendors();
    const vendorBuilt = statSync(join(cache, vendor)).mtimeMs;

    writeFileSync(join(dir, "dep.ts"), "export const v = 2;\n");
    expect(launch(entry).stdout).toBe("2 function\n");
    expect(bundles()).toHaveLength(2);
    expect(vendors()).toEqual([vendor]);
    expect(statSync(join(cache, vendor)).mtimeMs).toBe(vendorBuilt);

    // A tsconfig.json beside the sources can change how esbuild compiles them.
    writeFileSync(join(dir, "tsconfig.json"), '{ "compilerOptions": { "useDefineForClassFields": false } }\n');
    expect(launch(entry).stdout).toBe("2 function\n");
    expect(bundles()).toHaveLength(3);
    expect(vendors()).toEqual([vendor]);

    writeFileSync(join(dir, "dep.ts"), 'import { stringify } from "yaml";\nexport const v = stringify(3).trim();\n');
    expect(launch(entry).stdout).toBe("3 function\n");
    expect(vendors()).toHaveLength(2);
  });

  test("stack traces of errors point at the TypeScript source", () => {
    const entry = project({
      "entry.ts": 'import { fail } from "./dep";\n\nfail();\n',
      "dep.ts": 'type T = number;\nexport function fail(): T {\n  throw new Error("real bug");\n}\n',
    });
    for (const run of ["cold", "warm"]) {
      const r = launch(entry);
      expect({ run, status: r.status }).toEqual({ run, status: 1 });
      expect(r.stderr).toContain("Error: real bug");
      expect(r.stderr).toContain(`at fail (${join(dir, "dep.ts")}:3:9)`);
      expect(r.stderr).toContain(`${join(dir, "entry.ts")}:3:`);
    }
  });

  test("frames in dependencies point at the dependency's own files, and its messages keep class names", () => {
    const entry = project({
      "entry.ts":
        'import { Construct } from "constructs";\nclass Root extends Construct {}\nconst root = new Root(undefined as any, "");\nnew Construct(root, "a");\nnew Construct(root, "a");\n',
    });
    const r = launch(entry);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("There is already a Construct with name 'a' in Root");
    expect(r.stderr).toMatch(
      new RegExp(`at .*${realpathSync(join(ROOT, "node_modules", "constructs")).replace(/[/\\]/g, ".")}.*:\\d+:\\d+\\)`),
    );
    expect(r.stderr).toContain(`${join(dir, "entry.ts")}:5:1`);
  });

  test("two cold starts racing on one cache both succeed and leave one whole bundle", async () => {
    const entry = project({ "entry.ts": 'import { f } from "./dep";\nconsole.log(typeof f);\n', "dep.ts": "export function f() {}\n" });
    const run = () =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [LAUNCHER, entry], { cwd: ROOT, env: { ...process.env, THREAT_ALERTS_LAUNCH_CACHE: cache } });
        let out = "";
        child.stdout.on("data", (c) => (out += c));
        child.on("close", (code) => resolve({ code, out }));
      });
    const results = await Promise.all([run(), run(), run()]);
    expect(results).toEqual([0, 1, 2].map(() => ({ code: 0, out: "function\n" })));
    expect(bundles()).toHaveLength(1);
    expect(vendors()).toHaveLength(1);
    expect(readdirSync(cache).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(launch(entry).stdout).toBe("function\n");
  });

  test("an unwritable cache directory still runs the entry", () => {
    writeFileSync(join(dir, "file"), "");
    const entry = project({ "entry.ts": "console.log('ran');\n" });
    const r = launch(entry, [], { THREAT_ALERTS_LAUNCH_CACHE: join(dir, "file", "cache") });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("ran\n");
  });

  test("a TypeScript syntax error exits 1 with esbuild's message and no stack trace", () => {
    const entry = project({ "entry.ts": "const x = ;\n" });
    const r = launch(entry);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('[ERROR] Unexpected ";"');
    expect(r.stderr).toMatch(/entry\.ts:1:10:/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
