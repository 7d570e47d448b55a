/**
 * `cdktf synth --hcl` writes `cdk.tf` instead of `cdk.tf.json`. It must be valid Terraform (cdktf
 * 0.21 mangled `required_version` and quoted references; see stacks/hcl-render.ts) and say the same as the JSON
 * output: the HCL is parsed with cdktf's own parser (@cdktf/hcl2json, Terraform's hclsyntax
 * compiled to WebAssembly) and compared with the JSON output block by block.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../config/load";
import { buildApp } from "../../stacks/app";
import { fixHclRendering } from "../../stacks/hcl-render";
import { BASE_YAML, synthYaml } from "../helpers/synth";

const EXAMPLE = readFileSync(join(__dirname, "..", "..", "threat-alerts.yaml"), "utf8");
const CONFIGS: Record<string, string> = {
  example: EXAMPLE,
  "s3 backend (lockfile override)": `${BASE_YAML}\nbackend:\n  type: s3\n  s3: { bucket: my-tfstate, region: us-east-1 }\n`,
  "cloud backend": `${BASE_YAML}\nbackend:\n  type: cloud\n  cloud: { organization: my-org }\n`,
  "adopted detector (import block)": `${BASE_YAML}guardduty:\n  existingDetectors: { default: { eu-west-1: "${"a".repeat(32)}" } }\n`,
};

/** Synthesizes in HCL mode (what `cdktf synth --hcl` sets) and returns stack name -> cdk.tf text. */
function synthHcl(yaml: string): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), "threat-alerts-hcl-"));
  const before = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = "true";
  try {
    buildApp(parseConfig(yaml, "test.yaml"), { outdir }).synth();
    const out: Record<string, string> = {};
    for (const name of readdirSync(join(outdir, "stacks"))) out[name] = readFileSync(join(outdir, "stacks", name, "cdk.tf"), "utf8");
    return out;
  } finally {
    if (before === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = before;
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Parses HCL texts with @cdktf/hcl2json in a child process: its Go runtime keeps timers running
 * after a parse, which would hold the jest worker open.
 */
function parseHcl(texts: Record<string, string>): Record<string, Record<string, any>> {
  const script = `
    const { parse } = require("@cdktf/hcl2json");
    const texts = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
    Promise.all(Object.entries(texts).map(async ([k, t]) => [k, await parse(k + ".tf", t)]))
      .then((r) => { process.stdout.write(JSON.stringify(Object.fromEntries(r))); process.exit(0); })
      .catch((e) => { process.stderr.write(String(e.message)); process.exit(1); });`;
  const r = spawnSync(process.execPath, ["-e", script], {
    input: JSON.stringify(texts),
    encoding: "utf8",
    cwd: join(__dirname, "..", ".."),
  });
  if (r.status !== 0) throw new Error(`HCL does not parse: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/**
 * hcl2json gives every block as a list of bodies (`backend { local = [{ path }] }`), where
 * Terraform JSON writes a single block as an object. Unwrap those to compare like with like.
 */
function like(json: unknown, hcl: unknown): unknown {
  if (json && typeof json === "object" && !Array.isArray(json)) {
    const body = Array.isArray(hcl) && hcl.length === 1 ? hcl[0] : hcl;
    if (!body || typeof body !== "object") return hcl;
    return Object.fromEntries(
      Object.entries(body as object).map(([k, v]) => {
        // References: `provider = aws.x` parses as "${aws.x}" where JSON writes "aws.x".
        if (k === "provider" || k === "depends_on") return [k, JSON.parse(JSON.stringify(v).replace(/\$\{([^}]+)\}/g, "$1"))];
        return [k, like((json as Record<string, unknown>)[k], v)];
      }),
    );
  }
  if (Array.isArray(json) && Array.isArray(hcl)) return hcl.map((v, i) => like(json[i], v));
  return hcl;
}

/** A JSON block without cdktf's `//` metadata, which HCL output keeps in a side file. */
function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== "//")
        .map(([k, v]) => [k, withoutMetadata(v)]),
    );
  return value;
}

describe.each(Object.keys(CONFIGS))("synth --hcl of the %s config", (configName) => {
  const json = synthYaml(CONFIGS[configName]);
  const hcl = synthHcl(CONFIGS[configName]);
  let parsedStacks: Record<string, Record<string, any>> | Error;
  try {
    parsedStacks = parseHcl(hcl);
  } catch (e) {
    parsedStacks = e as Error;
  }
  afterAll(() => json.cleanup());

  test("writes the same stacks as JSON synthesis", () => {
    expect(Object.keys(hcl).sort()).toEqual(Object.keys(json.stacks).sort());
  });

  test.each(Object.keys(json.stacks))(
    "stack %s parses as HCL and has the JSON output's terraform block, providers, resources and data sources",
    (stack) => {
      if (parsedStacks instanceof Error) throw parsedStacks;
      const parsed = parsedStacks[stack];
      const tf = json.stacks[stack];
      // Meta-arguments are references, not quoted strings (deprecated, and refused by a future Terraform).
      expect(hcl[stack]).not.toMatch(/^\s*provider\s*=\s*"/m);
      expect(hcl[stack]).not.toMatch(/^\s*depends_on\s*=\s*\[\s*"/m);
      expect(parsed.terraform).toHaveLength(1);
      expect(like(tf.terraform, parsed.terraform)).toEqual(withoutMetadata(tf.terraform));
      expect(parsed.terraform[0].required_version).toMatch(/^>= 1\.\d+\.\d+$/);
      expect(like(tf.provider, parsed.provider)).toEqual(tf.provider);
      // import blocks: `to` and `provider` are references in HCL ("${...}" once parsed).
      const unref = (v: unknown) => JSON.parse(JSON.stringify(v ?? []).replace(/\$\{([^}]+)\}/g, "$1"));
      expect(unref(parsed.import)).toEqual(unref((tf as { import?: unknown }).import));
      if (configName.includes("import block")) expect(parsed.import).toHaveLength(1);
      for (const kind of ["resource", "data"] as const) {
        const expected = withoutMetadata(tf[kind] ?? {}) as Record<string, Record<string, unknown>>;
        const actual = parsed[kind] as Record<string, Record<string, unknown[]>>;
        expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
        for (const [type, byName] of Object.entries(expected)) {
          expect(Object.keys(actual[type]).sort()).toEqual(Object.keys(byName).sort());
          for (const [name, block] of Object.entries(byName))
            expect([type, name, like(block, actual[type][name])]).toEqual([type, name, block]);
        }
      }
    },
  );
});

test("the renderer fix is idempotent and leaves a block without settings as cdktf renders it", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const render = require("cdktf/lib/hcl/render");
  fixHclRendering();
  const once = [render.renderTerraform, render.renderResource, render.renderDatasource];
  fixHclRendering();
  expect([render.renderTerraform, render.renderResource, render.renderDatasource]).toEqual(once);
  const hcl: string = render.renderTerraform({
    required_providers: { aws: { source: "aws", version: "6.25.0" } },
    required_version: ">= 1.5.7",
  });
  expect(hcl).toContain('  required_version = ">= 1.5.7"\n}');
  expect(hcl).not.toMatch(/^\s*0 = /m);
  expect(render.renderTerraform({ required_providers: {} })).not.toContain("required_version");
});

// The renderer on its own, with the cloud block as it is handed over in HCL mode (typed values;
// captured from a synth).
test("a terraform block with a cloud backend and required_version renders as valid HCL", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const render = require("cdktf/lib/hcl/render");
  fixHclRendering();
  const block = {
    required_providers: { aws: { source: "aws", version: "6.25.0" } },
    cloud: {
      organization: "my-org",
      workspaces: {
        value: { name: { value: "threat-alerts-acme", type: "simple", storageClassType: "string" } },
        isBlock: true,
        type: "map",
        storageClassType: "stringmap",
      },
    },
    required_version: ">= 1.5.7",
  };
  const parsed = parseHcl({ t: render.renderTerraform(block) }).t;
  expect(parsed.terraform).toEqual([
    {
      required_providers: [{ aws: { source: "aws", version: "6.25.0" } }],
      cloud: [{ organization: "my-org", workspaces: [{ name: "threat-alerts-acme" }] }],
      required_version: ">= 1.5.7",
    },
  ]);
});
