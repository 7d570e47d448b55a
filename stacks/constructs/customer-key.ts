/**
 * A customer-managed KMS key with rotation and an alias. The key policy always lets the account
 * administer the key (without that statement the key becomes unmanageable), followed by the
 * service grants the caller passes.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
import { Construct } from "constructs";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { AccountContext } from "../account-context";

export interface CustomerKeyProps {
  /** The provider of the key's region (keys are regional). */
  readonly provider: AwsProvider;
  /** The account whose root administers the key. */
  readonly account: AccountContext;
  /** The key's description: what it encrypts. */
  readonly description: string;
  /** `alias/...` */
  readonly alias: string;
  /** Grants to AWS services, after the account's own statement. */
  readonly statements: readonly DataAwsIamPolicyDocumentStatement[];
}

export class CustomerKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: CustomerKeyProps) {
    super(scope, id);
    const { provider, account } = props;
    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      provider,
      statement: [
        {
          // Also lets IAM policies in the account grant use of the key, e.g. kms:Decrypt to read logs.
          sid: "AccountAdministersKey",
          principals: [{ type: "AWS", identifiers: [account.rootPrincipal] }],
          actions: ["kms:*"],
          resources: ["*"],
        },
        ...props.statements,
      ],
    });
    this.key = new KmsKey(this, "key", {
      provider,
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policy.json,
    });
    new KmsAlias(this, "alias", { provider, name: props.alias, targetKeyId: this.key.keyId });
  }
}
