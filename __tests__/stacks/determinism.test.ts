import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../../config/load";
import { readTree } from "../helpers/files";
import { synthConfig } from "../helpers/synth";

test("two synths of the same config give byte-identical output, every file included", () => {
  const config = parseConfig(readFileSync(join(__dirname, "..", "..", "threat-alerts.yaml"), "utf8"));
  const a = synthConfig(config);
  const b = synthConfig(config);
  try {
    const ta = readTree(a.outdir);
    const tb = readTree(b.outdir);
    expect([...ta.keys()]).toEqual([...tb.keys()]);
    expect(ta.size).toBeGreaterThan(1);
    for (const [path, bytes] of ta) expect({ path, same: bytes.equals(tb.get(path)!) }).toEqual({ path, same: true });
    // Nothing machine-specific leaks into the output.
    for (const [path, bytes] of ta)
      expect({ path, leaks: bytes.includes(a.outdir) || bytes.includes(process.cwd()) }).toEqual({ path, leaks: false });
  } finally {
    a.cleanup();
    b.cleanup();
  }
});
