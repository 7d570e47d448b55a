/**
 * The account id and partition of a stack, read once from data sources so no policy hard-codes
 * `arn:aws:` or an account id (the same stack works in aws-cn and aws-us-gov).
 */
import { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";

export interface AccountContextProps {
  /** Any of the stack's providers: every one of them points at the same account. */
  readonly provider: AwsProvider;
}

export class AccountContext extends Construct {
  /** The 12-digit account id (a token). */
  readonly accountId: string;
  /** `aws`, `aws-cn` or `aws-us-gov` (a token). */
  readonly partition: string;

  constructor(scope: Construct, id: string, props: AccountContextProps) {
    super(scope, id);
    this.accountId = new DataAwsCallerIdentity(this, "caller", { provider: props.provider }).accountId;
    this.partition = new DataAwsPartition(this, "partition", { provider: props.provider }).partition;
  }

  /** `arn:<partition>:<service>:<region>:<account>:<resource>` with this stack's account. */
  arn(service: string, region: string, resource: string): string {
    return `arn:${this.partition}:${service}:${region}:${this.accountId}:${resource}`;
  }

  /** The account root principal, `arn:<partition>:iam::<account>:root`. */
  get rootPrincipal(): string {
    return `arn:${this.partition}:iam::${this.accountId}:root`;
  }
}
