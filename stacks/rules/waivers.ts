/** Accepted exceptions to the rule pack. Each names the rule, what it covers, and why. */
export interface Waiver {
  readonly rule: string;
  /** Matched against the finding's address. */
  readonly address: RegExp;
  readonly reason: string;
}

export const WAIVERS: readonly Waiver[] = [
  {
    rule: "TA-IAM1",
    address: /#AccountAdministersKey$/,
    reason:
      "KMS key policies must let the account administer the key (kms:* on *, where * means this key); without it the key becomes unmanageable. https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html",
  },
];
