/**
 * A small cdk-nag-style rule pack, run over synthesized Terraform JSON: one pure function per
 * rule, one verdict per block it looks at. Waivers (waivers.ts) always carry their reason.
 */
/** A rule that does not apply to a block returns no finding for it. */
export type Verdict = "compliant" | "non-compliant";

/** A resource or data block of a synthesized stack: JSON, checked by each rule for what it reads. */
export type Block = Record<string, unknown>;

/** A synthesized stack (cdk.tf.json). */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
}

export interface Finding {
  readonly rule: string;
  /** `aws_sns_topic.name` or `data.aws_iam_policy_document.name`, with a detail after `#`. */
  readonly address: string;
  readonly verdict: Verdict;
  readonly message: string;
}

export interface Rule {
  readonly id: string;
  readonly description: string;
  readonly check: (stack: TerraformJson) => Finding[];
}

/** Every block of a type in a stack, with its address. */
export function blocks(stack: TerraformJson, type: string, kind: "resource" | "data" = "resource"): Array<[string, Block]> {
  const prefix = kind === "data" ? `data.${type}` : type;
  return Object.entries(stack[kind]?.[type] ?? {}).map(([name, block]) => [`${prefix}.${name}`, block]);
}

/** `${aws_x.name.attr}` -> `aws_x.name`, for matching blocks that reference each other. */
export function referencedAddress(value: unknown): string | undefined {
  const m = typeof value === "string" ? /^\$\{((?:data\.)?aws_[a-z0-9_]+\.[^.}]+)\.[a-z_]+\}$/.exec(value) : null;
  return m?.[1];
}
