/**
 * An IAM role that one AWS service assumes, with one inline policy.
 */
import { Construct } from "constructs";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { AccountContext } from "../account-context";

export interface ServiceRoleProps {
  /** Any provider of the stack (IAM is global); the role's home region's by convention. */
  readonly provider: AwsProvider;
  /** The account the service must act for (`aws:SourceAccount`). */
  readonly account: AccountContext;
  /** The service principal, e.g. `lambda.amazonaws.com`. */
  readonly service: string;
  /** The role name (config/names.ts). */
  readonly name: string;
  /** The role's description: what the service does with it. */
  readonly description: string;
  /** Name of the inline policy. */
  readonly policyName: string;
  /** The inline policy's statements: everything the role may do. */
  readonly statements: readonly DataAwsIamPolicyDocumentStatement[];
  /**
   * Only this account's use of the service may assume the role (`aws:SourceAccount`), against the
   * confused-deputy problem. Turn off only for a service documented not to send it.
   * @default true
   */
  readonly requireSourceAccount?: boolean;
}

export class ServiceRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    const { provider, account } = props;
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      provider,
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: [props.service] }],
          condition:
            props.requireSourceAccount === false
              ? undefined
              : [{ test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] }],
        },
      ],
    });
    this.role = new IamRole(this, "role", { provider, name: props.name, description: props.description, assumeRolePolicy: trust.json });
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", { provider, statement: [...props.statements] });
    this.policy = new IamRolePolicy(this, "policy", { provider, name: props.policyName, role: this.role.id, policy: permissions.json });
  }
}
