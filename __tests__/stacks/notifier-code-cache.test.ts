import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cachedBuild, CACHE_ENV } from "../../stacks/notifier/code-cache";

let dir: string;
let cache: string;
let input: string;
let keyFile: string;
let builds: number;
const env = () => ({ [CACHE_ENV]: cache });
const build = () => {
  builds++;
  return { code: Buffer.from(`code for ${readFileSync(input, "utf8")}`), inputs: [input] };
};
const text = (code: Uint8Array) => Buffer.from(code).toString("utf8");

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "threat-alerts-code-cache-"));
  cache = join(dir, "cache");
  input = join(dir, "handler.ts");
  keyFile = join(dir, "options.ts");
  writeFileSync(input, "v1");
  writeFileSync(keyFile, "minify: true");
  // Older than the build, as a file not being edited is.
  utimesSync(input, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  builds = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the notifier's esbuild output cache", () => {
  test("outside the launcher (no cache directory) it builds every time and writes nothing", () => {
    expect(text(cachedBuild("notifier", [keyFile], build, {}))).toBe("code for v1");
    cachedBuild("notifier", [keyFile], build, {});
    expect(builds).toBe(2);
  });

  test("under the launcher it builds once, then reuses the code until an input or key file changes", () => {
    expect(text(cachedBuild("notifier", [keyFile], build, env()))).toBe("code for v1");
    expect(text(cachedBuild("notifier", [keyFile], build, env()))).toBe("code for v1");
    expect(builds).toBe(1);
    writeFileSync(input, "v2");
    utimesSync(input, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    expect(text(cachedBuild("notifier", [keyFile], build, env()))).toBe("code for v2");
    expect(builds).toBe(2);
    writeFileSync(keyFile, "minify: false");
    cachedBuild("notifier", [keyFile], build, env());
    expect(builds).toBe(3);
    expect(readdirSync(cache).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("an input edited while esbuild ran is not cached (the bundle may hold the old text)", () => {
    writeFileSync(input, "v1"); // mtime now: as if saved during the build
    utimesSync(input, new Date(Date.now() + 1000), new Date(Date.now() + 1000));
    cachedBuild("notifier", [keyFile], build, env());
    cachedBuild("notifier", [keyFile], build, env());
    expect(builds).toBe(2);
  });

  test("an unwritable cache directory only means building again", () => {
    writeFileSync(join(dir, "file"), "");
    const bad = { [CACHE_ENV]: join(dir, "file", "cache") };
    expect(text(cachedBuild("notifier", [keyFile], build, bad))).toBe("code for v1");
    expect(text(cachedBuild("notifier", [keyFile], build, bad))).toBe("code for v1");
    expect(builds).toBe(2);
  });
});
