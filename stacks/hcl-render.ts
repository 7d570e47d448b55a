/**
 * Fixes two defects of cdktf 0.21's HCL renderer (`cdktf synth --hcl`); JSON synthesis is
 * unaffected. cdktf 0.21.0 is archived; the first is still open in the community fork
 * (https://github.com/open-constructs/cdk-terrain/issues/313).
 *
 * 1. Every `terraform {}` setting other than `required_providers`, `backend` and `cloud` is
 *    rendered from the list of its *names* (`renderSimpleAttributes(Object.keys(...))`), so
 *    `required_version = ">= 1.5.7"` comes out as `0 = "required_version"` and Terraform refuses
 *    the file. Here the blocks are rendered by cdktf as before and the plain settings by its own
 *    attribute renderer, from their values.
 * 2. The meta-arguments `provider` and `depends_on` are rendered as quoted strings
 *    (`provider = "aws.us_east_1"`), which Terraform accepts with a "Quoted references are
 *    deprecated" warning per block and says it will refuse in a future version. Here they are
 *    rendered as references (`provider = aws.us_east_1`).
 *
 * The renderer is wrapped once per process. `__tests__/stacks/hcl-output.test.ts` parses the result
 * and compares it with the JSON output block by block.
 */
// A plain require, so the assignments below reach the module object that cdktf's TerraformStack
// calls through (esbuild's `import * as` namespace of a CommonJS module is a copy).
// eslint-disable-next-line @typescript-eslint/no-require-imports
import render = require("cdktf/lib/hcl/render");

const TERRAFORM_BLOCKS = new Set(["required_providers", "backend", "cloud"]);
const FIXED = Symbol.for("threat-alerts.hcl-render-fixed");
/** `aws.us_east_1`, `aws_sns_topic.x`, `data.aws_partition.x`: safe to write as a bare reference. */
const REFERENCE = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+){0,2}$/;

type Attributes = Record<string, unknown>;
type Rendered = { hcl: string; metadata: unknown };
type Renderers = {
  renderTerraform: ((terraform: Attributes) => string) & { [FIXED]?: true };
  renderResource: (block: Record<string, Record<string, Attributes>>) => Rendered;
  renderDatasource: (block: Record<string, Record<string, Attributes>>) => Rendered;
  renderSimpleAttributes: (attrs: Attributes) => string;
};

function terraformBlock(mod: Renderers, original: Renderers["renderTerraform"]): Renderers["renderTerraform"] {
  return (terraform) => {
    const blocks: Attributes = {};
    const settings: Attributes = {};
    for (const [key, value] of Object.entries(terraform)) (TERRAFORM_BLOCKS.has(key) ? blocks : settings)[key] = value;
    const hcl = original(blocks);
    if (Object.keys(settings).length === 0) return hcl;
    const close = hcl.lastIndexOf("}");
    // With no settings the original leaves an empty line before the closing brace.
    return `${hcl.slice(0, close).replace(/\n+$/, "\n")}${mod.renderSimpleAttributes(settings)}\n}`;
  };
}

function unquotedMetaArguments(original: Renderers["renderResource"]): Renderers["renderResource"] {
  return (block) => {
    const type = Object.keys(block)[0];
    const name = Object.keys(block[type])[0];
    const { provider, depends_on: dependsOn, ...rest } = block[type][name];
    const meta: string[] = [];
    if (typeof provider === "string" && REFERENCE.test(provider)) meta.push(`provider = ${provider}`);
    else if (provider !== undefined) rest.provider = provider;
    if (Array.isArray(dependsOn) && dependsOn.every((d) => typeof d === "string" && REFERENCE.test(d)))
      meta.push(`depends_on = [${dependsOn.join(", ")}]`);
    else if (dependsOn !== undefined) rest.depends_on = dependsOn;
    const out = original({ [type]: { [name]: rest } });
    const [header, ...body] = out.hcl.split("\n");
    return { ...out, hcl: [header, ...meta, ...body].join("\n") };
  };
}

export function fixHclRendering(): void {
  const mod = render as unknown as Renderers;
  if (mod.renderTerraform[FIXED]) return;
  const fixedTerraform = terraformBlock(mod, mod.renderTerraform);
  fixedTerraform[FIXED] = true;
  mod.renderTerraform = fixedTerraform;
  mod.renderResource = unquotedMetaArguments(mod.renderResource);
  mod.renderDatasource = unquotedMetaArguments(mod.renderDatasource);
}
