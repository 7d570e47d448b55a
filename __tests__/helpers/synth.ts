/**
 * Synthesizes a config the way `cdktf synth` does (App.synth with validations and error
 * annotations enforced, unlike Testing.synth, then the rule pack) into a temp dir, and reads the
 * stacks back.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig, type Config } from "../../config/load";
import { synthChecked } from "../../stacks/checked-synth";

export type TfJson = {
  terraform: Record<string, any>;
  provider: { aws: Array<Record<string, any>> };
  resource: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
};

export interface Synthesized {
  readonly outdir: string;
  /** Stack name -> parsed cdk.tf.json. */
  readonly stacks: Record<string, TfJson>;
  /** Stack name -> the raw cdk.tf.json text. */
  readonly raw: Record<string, string>;
  readonly cleanup: () => void;
}

export const BASE_YAML = `
project: acme
homeRegion: us-east-1
regions: [us-east-1, eu-west-1]
notifications:
  emails: [security@example.com]
`;

export function synthYaml(yaml: string, outdir?: string): Synthesized {
  return synthConfig(parseConfig(yaml, "test.yaml"), outdir);
}

export function synthConfig(config: Config, outdir = mkdtempSync(join(tmpdir(), "threat-alerts-synth-"))): Synthesized {
  synthChecked(config, { outdir });
  const stacks: Record<string, TfJson> = {};
  const raw: Record<string, string> = {};
  for (const name of readdirSync(join(outdir, "stacks")).sort()) {
    raw[name] = readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8");
    stacks[name] = JSON.parse(raw[name]);
  }
  return { outdir, stacks, raw, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** All resources of a type in a stack, as [logical name, block]. */
export function resources(stack: TfJson, type: string): Array<[string, Record<string, any>]> {
  return Object.entries(stack.resource[type] ?? {});
}

export function dataSources(stack: TfJson, type: string): Array<[string, Record<string, any>]> {
  return Object.entries(stack.data?.[type] ?? {});
}

/** Resources of a type grouped by their provider alias (`aws.eu_west_1` -> count). */
export function countByProvider(stack: TfJson, type: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [, r] of resources(stack, type)) out[r.provider] = (out[r.provider] ?? 0) + 1;
  return out;
}

/** The JSON document behind a `${data.aws_iam_policy_document.X.json}` reference. */
export function policyDocument(stack: TfJson, ref: string): Record<string, any> {
  const m = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(ref);
  if (!m) throw new Error(`not a policy document reference: ${ref}`);
  const doc = stack.data?.aws_iam_policy_document?.[m[1]];
  if (!doc) throw new Error(`no policy document ${m[1]}`);
  return doc;
}

/** The resource a `${type.name.attr}` reference points at. */
export function referenced(stack: TfJson, ref: string): [string, Record<string, any>] {
  const m = /^\$\{(aws_[a-z0-9_]+)\.([^.]+)\.[a-z_]+\}$/.exec(ref);
  if (!m) throw new Error(`not a resource reference: ${ref}`);
  const r = stack.resource[m[1]]?.[m[2]];
  if (!r) throw new Error(`no resource ${m[1]}.${m[2]}`);
  return [m[2], r];
}
