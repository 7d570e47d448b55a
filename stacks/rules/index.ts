/**
 * The rule pack: every rule over a synthesized stack, with waivers applied. It runs on every synth
 * (stacks/checked-synth.ts): a violation fails the synth and nothing is written.
 */
import { alarmHasAction } from "./alarm-has-action";
import { eventBridgeTargetDlq } from "./eventbridge-target-dlq";
import { iamNoWildcardAdmin } from "./iam-no-wildcard-admin";
import { kmsKeyRotation } from "./kms-key-rotation";
import { logGroupRetention } from "./log-group-retention";
import { noPlaintextSecrets } from "./no-plaintext-secrets";
import type { Finding, Rule, TerraformJson } from "./rule";
import { s3PublicAccessBlocked } from "./s3-public-access-blocked";
import { snsLambdaRedrive } from "./sns-lambda-redrive";
import { snsTopicCustomerKey } from "./sns-topic-customer-key";
import { sqsQueueAlarm } from "./sqs-queue-alarm";
import { sqsQueueEncrypted } from "./sqs-queue-encrypted";
import { WAIVERS, type Waiver } from "./waivers";

export const RULES: readonly Rule[] = [
  snsTopicCustomerKey,
  kmsKeyRotation,
  s3PublicAccessBlocked,
  sqsQueueEncrypted,
  logGroupRetention,
  alarmHasAction,
  iamNoWildcardAdmin,
  noPlaintextSecrets,
  eventBridgeTargetDlq,
  snsLambdaRedrive,
  sqsQueueAlarm,
];

export interface RuleReport {
  /** Non-compliant findings without a waiver: these fail. */
  readonly violations: readonly Finding[];
  /** Non-compliant findings a waiver accepts, with its reason. */
  readonly waived: ReadonlyArray<Finding & { readonly reason: string }>;
  readonly compliant: number;
}

export function checkRules(stack: TerraformJson, rules: readonly Rule[] = RULES, waivers: readonly Waiver[] = WAIVERS): RuleReport {
  const violations: Finding[] = [];
  const waived: Array<Finding & { reason: string }> = [];
  let compliant = 0;
  for (const finding of rules.flatMap((r) => r.check(stack))) {
    if (finding.verdict === "compliant") compliant++;
    if (finding.verdict !== "non-compliant") continue;
    const waiver = waivers.find((w) => w.rule === finding.rule && w.address.test(finding.address));
    if (waiver) waived.push({ ...finding, reason: waiver.reason });
    else violations.push(finding);
  }
  return { violations, waived, compliant };
}
