import { spawnSync } from "node:child_process";
import { join } from "node:path";

// Runs in a child process: the patch is global and must not leak into the test runner.
test("token-style captures on plain objects stay empty while real errors keep their stack traces", () => {
  const script = `
    const { skipTokenStackTraces } = require("./stacks/fast-stack-traces.ts");
    const { Lazy } = require("cdktf");
    const before = {}; Error.captureStackTrace(before);
    skipTokenStackTraces();
    const plain = { stack: "" }; Error.captureStackTrace(plain);
    const lazy = Lazy.stringValue({ produce: () => "x" });
    function thrower() { throw new Error("boom"); }
    let err; try { thrower(); } catch (e) { err = e; }
    process.stdout.write(JSON.stringify({ before: before.stack.includes("at "), plain: plain.stack, lazy: typeof lazy, err: err.stack.includes("at thrower") }));
  `;
  const r = spawnSync(process.execPath, ["-r", "tsx/cjs", "-e", script], { cwd: join(__dirname, "..", ".."), encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(JSON.parse(r.stdout)).toEqual({ before: true, plain: "", lazy: "string", err: true });
});
