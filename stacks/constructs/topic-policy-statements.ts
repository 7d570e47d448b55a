/**
 * Topic-policy statements every threat-alerts SNS topic carries (the alert topic and the health
 * topic): the account administers the topic, and nobody publishes without TLS.
 */
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { AccountContext } from "../account-context";

/** The account's own principals manage the topic (the statement SNS's default policy grants). */
export function accountManagesTopic(account: AccountContext, topicArn: string): DataAwsIamPolicyDocumentStatement {
  return {
    sid: "AccountManagesTopic",
    principals: [{ type: "AWS", identifiers: [account.rootPrincipal] }],
    actions: [
      "sns:GetTopicAttributes",
      "sns:SetTopicAttributes",
      "sns:AddPermission",
      "sns:RemovePermission",
      "sns:DeleteTopic",
      "sns:Subscribe",
      "sns:ListSubscriptionsByTopic",
      "sns:Publish",
    ],
    resources: [topicArn],
  };
}

/** Refuses any publish over plain HTTP. */
export function denyInsecurePublish(topicArn: string): DataAwsIamPolicyDocumentStatement {
  return {
    sid: "DenyInsecureTransport",
    effect: "Deny",
    principals: [{ type: "*", identifiers: ["*"] }],
    actions: ["sns:Publish"],
    resources: [topicArn],
    condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
  };
}
