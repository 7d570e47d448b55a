/**
 * Reads a synthesized `cdktf.out/` (manifest.json + stacks/<name>/cdk.tf.json) and indexes each
 * stack's blocks generically: every resource and data source with its address, its region (from
 * its aliased provider) and the addresses it references. Nothing here knows threat-alerts'
 * constructs, so resources added by later features show up without changes here.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export type Block = Record<string, unknown>;

/** The parts of a stack's Terraform JSON that the summary reads. */
export interface StackJson {
  readonly terraform?: Block;
  readonly provider?: Record<string, Block[]>;
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
  readonly import?: Block[];
  readonly moved?: Block[];
  readonly removed?: Block[];
  readonly output?: Record<string, Block>;
}

export interface Item {
  readonly kind: "resource" | "data";
  readonly type: string;
  readonly name: string;
  /** `aws_sns_topic.x` for resources, `data.aws_partition.x` for data sources (Terraform's addresses). */
  readonly address: string;
  /** The region of the item's provider; undefined for a block without a known provider. */
  readonly region?: string;
  /** The block without cdktf's `//` metadata. */
  readonly body: Block;
  /** Addresses referenced from the body (`${aws_sns_topic.x.arn}` -> `aws_sns_topic.x`). */
  readonly refs: readonly string[];
}

export interface Stack {
  readonly name: string;
  readonly json: StackJson;
  /** Provider alias (`aws.eu_west_1`) -> region. */
  readonly providers: ReadonlyMap<string, string>;
  /** Regions with a provider, in the stack's provider order. */
  readonly regions: readonly string[];
  readonly items: readonly Item[];
  readonly byAddress: ReadonlyMap<string, Item>;
  /** Resource addresses imported on the next plan (`import` blocks): adopted, not created. */
  readonly imported: ReadonlySet<string>;
}

export interface SynthOutput {
  readonly dir: string;
  /** Stacks by name, sorted. */
  readonly stacks: ReadonlyMap<string, Stack>;
}

export class SynthOutputError extends Error {}

export function readSynthOutput(dir: string): SynthOutput {
  const manifestPath = join(dir, "manifest.json");
  if (!existsSync(manifestPath)) {
    throw new SynthOutputError(`${dir} is not a synthesized cdktf output (no manifest.json); run \`npx cdktf synth\` or pass --synth`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  const stacks = new Map<string, Stack>();
  for (const name of Object.keys(manifest.stacks).sort()) {
    const path = join(dir, manifest.stacks[name].synthesizedStackPath);
    if (!path.endsWith(".json")) {
      throw new SynthOutputError(`${path}: the summary reads JSON synthesis; run \`npx cdktf synth\` without --hcl`);
    }
    stacks.set(name, indexStack(name, JSON.parse(readFileSync(path, "utf8")) as StackJson));
  }
  return { dir, stacks };
}

/** `aws_sns_topic.x` or `data.aws_partition.x` inside an expression (types have an underscore; `var.x`, `count.index` do not). */
const REF = /(?<![\w.])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)/g;

/** The `${...}` expressions in a string, with nested braces (`${jsonencode({a = b})}`) kept whole. */
function expressions(text: string): string[] {
  const out: string[] = [];
  for (let start = text.indexOf("${"); start !== -1; start = text.indexOf("${", start + 2)) {
    let depth = 0;
    for (let k = start + 1; k < text.length; k++) {
      if (text[k] === "{") depth++;
      else if (text[k] === "}" && --depth === 0) {
        out.push(text.slice(start + 2, k));
        break;
      }
    }
  }
  return out;
}

/** Addresses referenced from a value's expressions (`${aws_sns_topic.x.arn}` -> `aws_sns_topic.x`). */
export function referencesIn(value: unknown): string[] {
  const out = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === "string") {
      for (const expr of expressions(v)) for (const m of expr.matchAll(REF)) out.add(m[1] ? `data.${m[2]}.${m[3]}` : `${m[2]}.${m[3]}`);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") Object.values(v).forEach(visit);
  };
  visit(value);
  return [...out].sort();
}

export function stripMetadata(block: Block): Block {
  const { "//": _metadata, ...rest } = block;
  return rest;
}

export function indexStack(name: string, json: StackJson): Stack {
  const providers = new Map<string, string>();
  const regions: string[] = [];
  for (const [providerName, instances] of Object.entries(json.provider ?? {})) {
    for (const p of instances) {
      const region = typeof p.region === "string" ? p.region : undefined;
      if (!region) continue;
      providers.set(p.alias ? `${providerName}.${String(p.alias)}` : providerName, region);
      if (!regions.includes(region)) regions.push(region);
    }
  }
  const items: Item[] = [];
  for (const kind of ["resource", "data"] as const) {
    for (const [type, byName] of Object.entries(json[kind] ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      for (const [blockName, block] of Object.entries(byName).sort(([a], [b]) => a.localeCompare(b))) {
        const body = stripMetadata(block);
        const provider = typeof body.provider === "string" ? body.provider : undefined;
        items.push({
          kind,
          type,
          name: blockName,
          address: kind === "data" ? `data.${type}.${blockName}` : `${type}.${blockName}`,
          region: provider ? providers.get(provider) : undefined,
          body,
          refs: referencesIn(body),
        });
      }
    }
  }
  const imported = new Set((json.import ?? []).map((i) => String(i.to)));
  return { name, json, providers, regions, items, byAddress: new Map(items.map((i) => [i.address, i])), imported };
}

/** Resources (not data sources) of one type. */
export function resourcesOf(stack: Stack, type: string): Item[] {
  return stack.items.filter((i) => i.kind === "resource" && i.type === type);
}

/** The human name of a block: its AWS name when it has one, else its Terraform name. */
export function displayName(item: Item): string {
  const b = item.body;
  for (const key of ["alarm_name", "configuration_name", "function_name", "name", "bucket", "alias_name", "statement_id", "description"]) {
    if (typeof b[key] === "string" && !String(b[key]).includes("${")) return String(b[key]);
  }
  if (item.type === "aws_sns_topic_subscription")
    return `${String(b.protocol)} ${String(b.endpoint).includes("${") ? "" : String(b.endpoint)}`.trim();
  return item.name;
}
