/**
 * Where each stack keeps its state: local files (default), S3 (encrypted, locked, one key per
 * stack) or Terraform Cloud (one workspace per stack). Also pins the Terraform version the
 * generated configuration needs.
 */
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import type { BackendConfig } from "../config/schema";
import { CloudBlock } from "./cloud-block";
import { fixHclRendering } from "./hcl-render";
import { localStatePath } from "./state-location";

/**
 * hashicorp/aws 6.x supports Terraform 1.5.7 and later (the floor terraform-aws-modules adopted
 * with provider 6); S3's native lockfile (`use_lockfile`) arrived in Terraform 1.10.
 */
export const TERRAFORM_FLOOR = "1.5.7";
export const S3_LOCKFILE_FLOOR = "1.10.0";

/**
 * @param minimumTerraform a higher floor the stack's own configuration needs (e.g. an `import` id
 * that is an expression); the highest floor wins
 */
export function configureBackend(stack: TerraformStack, stackName: string, backend: BackendConfig, minimumTerraform?: string): void {
  let floor = TERRAFORM_FLOOR;
  switch (backend.type) {
    case "local":
      new LocalBackend(stack, { path: localStatePath(stackName) });
      break;
    case "s3": {
      const s3 = backend.s3;
      const key = [s3.keyPrefix.replace(/\/+$/, ""), `${stackName}.tfstate`].filter(Boolean).join("/");
      const b = new S3Backend(stack, { bucket: s3.bucket, region: s3.region, key, encrypt: true, dynamodbTable: s3.dynamodbTable });
      if (!s3.dynamodbTable) {
        // cdktf 0.21 predates `use_lockfile`; S3 native locking needs no DynamoDB table.
        b.addOverride("use_lockfile", true);
        floor = S3_LOCKFILE_FLOOR;
      }
      break;
    }
    case "cloud": {
      const cloud = backend.cloud;
      new CloudBlock(stack, {
        organization: cloud.organization,
        hostname: cloud.hostname,
        workspaceName: `${cloud.workspacePrefix}${stackName}`,
      });
      break;
    }
  }
  if (minimumTerraform && compareVersions(minimumTerraform, floor) > 0) floor = minimumTerraform;
  stack.addOverride("terraform.required_version", `>= ${floor}`);
  // cdktf 0.21 renders this override as `0 = "required_version"` in `synth --hcl` output.
  fixHclRendering();
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}
