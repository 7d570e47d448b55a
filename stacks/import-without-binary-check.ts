/**
 * Adopting a resource that already exists (a GuardDuty detector, the Config recorder) without
 * needing terraform at synth.
 */
import type { TerraformResource } from "cdktf";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";

/**
 * `importFrom` renders a Terraform (>= 1.5) `import` block with the provider alias, so the import
 * runs in the resource's region. cdktf also adds a validation that runs `terraform version` at
 * synth, which would make synth need a terraform binary (and fork one per adopted resource); the
 * stack's `required_version` (>= 1.5.7, stacks/backend.ts) already makes Terraform refuse a
 * version without import blocks, so that check is skipped.
 */
export function importWithoutBinaryCheck(resource: TerraformResource, id: string, provider: AwsProvider): void {
  const node = resource.node;
  Object.defineProperty(node, "addValidation", { value: () => undefined, configurable: true });
  try {
    resource.importFrom(id, provider);
  } finally {
    // Back to the prototype's method.
    Reflect.deleteProperty(node, "addValidation");
  }
}
