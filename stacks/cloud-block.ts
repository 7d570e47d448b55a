/**
 * The `terraform { cloud { ... } }` block for Terraform Cloud / Enterprise, rendered without
 * cdktf's CloudBackend: that class adds a validation which runs `terraform version` at synth, so a
 * synth (and `npm test`) without terraform on PATH died with a stack trace. Terraform itself checks
 * the version when it reads the block; `required_version` (stacks/backend.ts) states the floor.
 * Renders exactly what CloudBackend renders, JSON and HCL.
 */
import type { Construct } from "constructs";
import { TerraformBackend, type TerraformRemoteState } from "cdktf";

export interface CloudBlockProps {
  readonly organization: string;
  /** One workspace per stack. */
  readonly workspaceName: string;
  /** @default app.terraform.io (Terraform's own default) */
  readonly hostname?: string;
}

export class CloudBlock extends TerraformBackend {
  constructor(
    scope: Construct,
    private readonly props: CloudBlockProps,
  ) {
    super(scope, "backend", "cloud");
  }

  private attributes(): Record<string, unknown> {
    const { organization, hostname, workspaceName } = this.props;
    return { organization, ...(hostname ? { hostname } : {}), workspaces: { name: workspaceName } };
  }

  override toTerraform(): Record<string, unknown> {
    return { terraform: { cloud: { ...this.attributes(), ...this.rawOverrides } } };
  }

  override toHclTerraform(): Record<string, unknown> {
    const { organization, hostname, workspaceName } = this.props;
    const name = { value: workspaceName, type: "simple", storageClassType: "string" };
    return {
      terraform: {
        cloud: {
          organization,
          ...(hostname ? { hostname } : {}),
          workspaces: { value: { name }, isBlock: true, type: "map", storageClassType: "stringmap" },
          ...this.rawOverrides,
        },
      },
    };
  }

  override toMetadata(): Record<string, unknown> {
    // cdktf's CLI reads `cloud` to tell Terraform Cloud from Enterprise.
    const host = this.props.hostname ?? "app.terraform.io";
    return { ...super.toMetadata(), cloud: host.startsWith("app.terraform.io") ? "tfc" : "tfe" };
  }

  getRemoteStateDataSource(): TerraformRemoteState {
    throw new Error("threat-alerts stacks do not read each other's state");
  }
}
