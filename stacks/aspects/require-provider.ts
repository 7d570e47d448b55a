/**
 * Fails the synth when an AWS resource or data source names no provider. cdktf silently puts
 * such a resource on the default provider, i.e. in whatever region the credentials default to.
 */
import { Annotations, IAspect, TerraformDataSource, TerraformResource } from "cdktf";
import type { IConstruct } from "constructs";

export class RequireExplicitProvider implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource || node instanceof TerraformDataSource)) return;
    if (!node.terraformResourceType.startsWith("aws_")) return;
    if (!node.provider) {
      Annotations.of(node).addError(
        `${node.terraformResourceType} has no provider: pass the regional provider (props.provider) so it cannot land in the default region`,
      );
    }
  }
}
