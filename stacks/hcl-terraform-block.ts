/**
 * `cdktf synth --hcl` renders every `terraform {}` setting other than `required_providers`,
 * `backend` and `cloud` from the list of its *names* (`renderSimpleAttributes(Object.keys(...))`),
 * so `required_version = ">= 1.5.7"` comes out as `0 = "required_version"` and Terraform refuses
 * the file. JSON synthesis is unaffected. The bug is in cdktf 0.21.0 (archived) and still open in
 * the community fork: https://github.com/open-constructs/cdk-terrain/issues/313
 *
 * This wraps cdktf's renderer once per process: the blocks are rendered by cdktf as before, the
 * plain settings (`required_version`, and any later `terraform.*` override) by its own attribute
 * renderer from their values. Only HCL output changes; `__tests__/stacks/hcl-output.test.ts` parses
 * the result and compares it with the JSON output.
 */
// A plain require, so the assignment below reaches the module object that cdktf's TerraformStack
// calls through (esbuild's `import * as` namespace of a CommonJS module is a copy).
// eslint-disable-next-line @typescript-eslint/no-require-imports
import render = require("cdktf/lib/hcl/render");

const BLOCKS = new Set(["required_providers", "backend", "cloud"]);
const FIXED = Symbol.for("threat-alerts.hcl-terraform-block");

type TerraformBlock = Record<string, unknown>;
type Renderer = ((terraform: TerraformBlock) => string) & { [FIXED]?: true };

export function fixHclTerraformBlock(): void {
  const mod = render as unknown as { renderTerraform: Renderer; renderSimpleAttributes: (attrs: TerraformBlock) => string };
  if (mod.renderTerraform[FIXED]) return;
  const original = mod.renderTerraform;
  const fixed: Renderer = (terraform) => {
    const blocks: TerraformBlock = {};
    const settings: TerraformBlock = {};
    for (const [key, value] of Object.entries(terraform)) (BLOCKS.has(key) ? blocks : settings)[key] = value;
    // With no settings the original renders an empty line before the closing brace.
    const hcl = original(blocks);
    if (Object.keys(settings).length === 0) return hcl;
    const close = hcl.lastIndexOf("}");
    return `${hcl.slice(0, close).replace(/\n+$/, "\n")}${mod.renderSimpleAttributes(settings)}\n}`;
  };
  fixed[FIXED] = true;
  mod.renderTerraform = fixed;
}
