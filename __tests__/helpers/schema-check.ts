/**
 * Checks synthesized Terraform JSON (`cdk.tf.json`) against the recorded hashicorp/aws provider
 * schema, so that mistakes `Testing.synth` lets through (an argument the provider does not know, a
 * missing required argument, a reference to `.arnn`, a provider alias that does not exist) fail a
 * unit test instead of `terraform plan`.
 *
 * It covers what Terraform core checks in `terraform validate` against a schema, plus one thing
 * core leaves to the provider (setting a computed-only attribute). Like `terraform validate` it
 * cannot check values the provider validates itself (enums, ARN formats, ConflictsWith).
 *
 * Schema: `__tests__/fixtures/schema/aws-provider-schema.json.gz` (hashicorp/aws 6.47.0, see
 * SOURCE.md beside it). Terraform JSON syntax:
 * https://developer.hashicorp.com/terraform/language/syntax/json
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

const SCHEMA_FILE = join(__dirname, "..", "fixtures", "schema", "aws-provider-schema.json.gz");
const AWS_PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws";
const AWS_SOURCES = new Set(["aws", "hashicorp/aws", AWS_PROVIDER_ADDRESS]);

/** A cty type as `terraform providers schema -json` writes it: `"string"`, `["list","string"]`, ... */
type CtyType = string | [string, ...unknown[]];

interface SchemaAttribute {
  readonly type?: CtyType;
  readonly nested_type?: { readonly attributes: Record<string, SchemaAttribute>; readonly nesting_mode: string };
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
}

interface SchemaBlockType {
  readonly nesting_mode: "single" | "group" | "list" | "set" | "map";
  readonly block: SchemaBlock;
  readonly min_items?: number;
  readonly max_items?: number;
}

interface SchemaBlock {
  readonly attributes?: Record<string, SchemaAttribute>;
  readonly block_types?: Record<string, SchemaBlockType>;
}

interface ProviderSchema {
  readonly provider: { readonly block: SchemaBlock };
  readonly resource_schemas: Record<string, { readonly block: SchemaBlock }>;
  readonly data_source_schemas: Record<string, { readonly block: SchemaBlock }>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

let cachedSchema: ProviderSchema | undefined;

/** The hashicorp/aws provider schema, read and gunzipped on first use (about 5 MB of JSON). */
export function awsProviderSchema(): ProviderSchema {
  if (!cachedSchema) {
    const dump = JSON.parse(gunzipSync(readFileSync(SCHEMA_FILE)).toString("utf8"));
    cachedSchema = dump.provider_schemas[AWS_PROVIDER_ADDRESS] as ProviderSchema;
  }
  return cachedSchema;
}

// Meta-arguments Terraform accepts on every resource / data block; `timeouts` is not one of them,
// it is a nested block in the schemas of the resources that support it.
// https://developer.hashicorp.com/terraform/language/meta-arguments
const RESOURCE_META = new Set(["provider", "depends_on", "count", "for_each", "lifecycle", "connection", "provisioner"]);
const DATA_META = new Set(["provider", "depends_on", "count", "for_each", "lifecycle"]);
const PROVIDER_META = new Set(["alias", "version"]);
const NO_META = new Set<string>();
const LIFECYCLE_KEYS = new Set([
  "create_before_destroy",
  "prevent_destroy",
  "ignore_changes",
  "replace_triggered_by",
  "precondition",
  "postcondition",
]);
// Roots of references that are not declared blocks of the document.
const IGNORED_ROOTS = new Set(["each", "count", "path", "self", "terraform", "module"]);
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Checks a synthesized Terraform JSON document against the hashicorp/aws provider schema.
 *
 * @returns one human-readable problem per finding, each starting with the path of the offending
 *   block (`resource.aws_sns_topic.foo: unknown argument "arnn"`); empty when the document is valid.
 */
export function checkAgainstSchema(tfJson: object): string[] {
  return new SchemaChecker(awsProviderSchema(), tfJson as JsonObject).run();
}

class SchemaChecker {
  private readonly problems: string[] = [];

  constructor(
    private readonly schema: ProviderSchema,
    private readonly doc: JsonObject,
  ) {}

  run(): string[] {
    this.checkRequiredProviders();
    const aliases = this.checkProviderBlocks();
    this.checkBlocks("resource", this.schema.resource_schemas, RESOURCE_META, aliases);
    this.checkBlocks("data", this.schema.data_source_schemas, DATA_META, aliases);
    this.checkReferences();
    return this.problems;
  }

  private report(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  private checkRequiredProviders(): void {
    const terraform = this.doc.terraform;
    const required = isObject(terraform) ? terraform.required_providers : undefined;
    const aws = isObject(required) ? required.aws : undefined;
    if (aws === undefined) {
      this.report("terraform.required_providers", 'does not name "aws"');
    } else if (isObject(aws) && typeof aws.source === "string" && !AWS_SOURCES.has(aws.source.toLowerCase())) {
      this.report("terraform.required_providers.aws", `source "${aws.source}" is not hashicorp/aws`);
    }
  }

  /** Checks `provider.aws[]` and returns the configurations it declares ("aws", "aws.us_east_1"). */
  private checkProviderBlocks(): Set<string> {
    const declared = new Set<string>();
    const providers = this.doc.provider;
    if (providers === undefined) return declared;
    if (!isObject(providers)) {
      this.report("provider", "expected an object keyed by provider name");
      return declared;
    }
    for (const [name, value] of Object.entries(providers)) {
      if (name === "//") continue;
      if (name !== "aws") {
        this.report(`provider.${name}`, `no schema for provider "${name}"; only hashicorp/aws is known`);
        continue;
      }
      const blocks = Array.isArray(value) ? value : [value];
      blocks.forEach((block, i) => {
        const path = Array.isArray(value) ? `provider.aws[${i}]` : "provider.aws";
        if (!this.checkBody(block, this.schema.provider.block, path, PROVIDER_META)) return;
        const alias = (block as JsonObject).alias;
        if (alias !== undefined && typeof alias !== "string") {
          this.report(path, "alias must be a string");
          return;
        }
        const address = alias === undefined ? "aws" : `aws.${alias}`;
        if (declared.has(address)) {
          this.report(path, alias === undefined ? "second default (un-aliased) aws provider" : `duplicate alias "${alias}"`);
        }
        declared.add(address);
      });
    }
    return declared;
  }

  private checkBlocks(
    kind: "resource" | "data",
    schemas: ProviderSchema["resource_schemas"],
    meta: Set<string>,
    providerAddresses: Set<string>,
  ): void {
    const byType = this.doc[kind];
    if (byType === undefined) return;
    if (!isObject(byType)) {
      this.report(kind, "expected an object keyed by type");
      return;
    }
    for (const [type, byName] of Object.entries(byType)) {
      if (type === "//") continue;
      const typeSchema = schemas[type];
      if (!typeSchema) {
        const noun = kind === "resource" ? "resource type" : "data source type";
        this.report(`${kind}.${type}`, `unknown ${noun} "${type}"${didYouMean(type, Object.keys(schemas))}`);
        continue;
      }
      if (!isObject(byName)) {
        this.report(`${kind}.${type}`, "expected an object keyed by block name");
        continue;
      }
      for (const [name, value] of Object.entries(byName)) {
        if (name === "//") continue;
        const path = `${kind}.${type}.${name}`;
        if (!NAME_PATTERN.test(name)) this.report(path, `"${name}" is not a valid Terraform block name`);
        for (const body of Array.isArray(value) ? value : [value]) {
          if (!this.checkBody(body, typeSchema.block, path, meta)) continue;
          this.checkMetaArguments(body as JsonObject, path, providerAddresses);
        }
      }
    }
  }

  private checkMetaArguments(body: JsonObject, path: string, providerAddresses: Set<string>): void {
    const provider = body.provider;
    if (provider !== undefined) {
      const address = typeof provider === "string" ? provider.replace(/^\$\{(.*)\}$/, "$1") : undefined;
      if (address === undefined) {
        this.report(path, 'provider must be a string like "aws.us_east_1"');
      } else if (!providerAddresses.has(address)) {
        const have = [...providerAddresses].sort().join(", ") || "none";
        this.report(path, `provider "${address}" is not configured in provider.aws (configured: ${have})`);
      }
    }
    if (body.count !== undefined && body.for_each !== undefined) {
      this.report(path, "count and for_each cannot both be set");
    }
    if (body.count !== undefined && typeof body.count !== "number" && !isExpression(body.count)) {
      this.report(path, "count must be a number or an expression");
    }
    if (body.depends_on !== undefined && !(Array.isArray(body.depends_on) && body.depends_on.every((d) => typeof d === "string"))) {
      this.report(path, "depends_on must be a list of strings");
    }
    if (body.lifecycle !== undefined) {
      for (const lifecycle of Array.isArray(body.lifecycle) ? body.lifecycle : [body.lifecycle]) {
        if (!isObject(lifecycle)) {
          this.report(`${path}.lifecycle`, "expected a block (object)");
          continue;
        }
        for (const key of Object.keys(lifecycle)) {
          if (key !== "//" && !LIFECYCLE_KEYS.has(key)) this.report(`${path}.lifecycle`, `unknown argument "${key}"`);
        }
      }
    }
  }

  /**
   * Checks one block body: known arguments, required ones present, computed-only ones absent,
   * literal types, and nested blocks (recursively). Returns false when the body is not an object.
   */
  private checkBody(body: Json, block: SchemaBlock, path: string, meta: Set<string>): boolean {
    if (!isObject(body)) {
      this.report(path, `expected a block (object), got ${describe(body)}`);
      return false;
    }
    const attributes = block.attributes ?? {};
    const blockTypes = block.block_types ?? {};
    const dynamicTypes = new Set<string>();

    for (const [key, value] of Object.entries(body)) {
      if (key === "//" || meta.has(key)) continue;
      const attribute = attributes[key];
      const blockType = blockTypes[key];
      if (attribute) {
        if (attribute.computed && !attribute.optional && !attribute.required) {
          this.report(path, `"${key}" is computed-only and cannot be set`);
        } else if (value !== null) {
          this.checkAttributeValue(value, attribute, path, key);
        }
      } else if (blockType) {
        this.checkNestedBlocks(value, blockType, path, key);
      } else if (key === "dynamic") {
        this.checkDynamicBlocks(value, blockTypes, path, dynamicTypes);
      } else {
        const candidates = [...Object.keys(attributes), ...Object.keys(blockTypes)];
        this.report(path, `unknown argument "${key}"${didYouMean(key, candidates)}`);
      }
    }

    for (const [name, attribute] of Object.entries(attributes)) {
      if (attribute.required && (body[name] === undefined || body[name] === null)) {
        this.report(path, `missing required argument "${name}"`);
      }
    }
    for (const [name, blockType] of Object.entries(blockTypes)) {
      const min = blockType.min_items ?? 0;
      if (min > 0 && blockType.nesting_mode !== "map" && (body[name] === undefined || body[name] === null) && !dynamicTypes.has(name)) {
        this.report(path, `at least ${min} "${name}" block(s) required, found 0`);
      }
    }
    return true;
  }

  private checkNestedBlocks(value: Json, blockType: SchemaBlockType, path: string, name: string): void {
    if (value === null) return;
    if (blockType.nesting_mode === "map") {
      if (!isObject(value)) {
        this.report(path, `"${name}" blocks must be an object keyed by label, got ${describe(value)}`);
        return;
      }
      for (const [label, body] of Object.entries(value)) {
        for (const item of Array.isArray(body) ? body : [body]) {
          this.checkBody(item, blockType.block, `${path}.${name}.${label}`, NO_META);
        }
      }
      return;
    }
    const items = Array.isArray(value) ? value : [value];
    const count = items.length;
    const single = blockType.nesting_mode === "single" || blockType.nesting_mode === "group";
    const max = single ? 1 : blockType.max_items;
    const min = blockType.min_items ?? 0;
    if (count < min) this.report(path, `at least ${min} "${name}" block(s) required, found ${count}`);
    if (max !== undefined && max > 0 && count > max) {
      this.report(path, `at most ${max} "${name}" block(s) allowed, found ${count}`);
    }
    items.forEach((item, i) => {
      this.checkBody(item, blockType.block, Array.isArray(value) ? `${path}.${name}[${i}]` : `${path}.${name}`, NO_META);
    });
  }

  /** `"dynamic": {"<block type>": {"for_each": ..., "iterator"?: ..., "content": {...}}}` */
  private checkDynamicBlocks(value: Json, blockTypes: Record<string, SchemaBlockType>, path: string, dynamicTypes: Set<string>): void {
    if (!isObject(value)) {
      this.report(path, `"dynamic" must be an object keyed by block type, got ${describe(value)}`);
      return;
    }
    for (const [name, spec] of Object.entries(value)) {
      const blockType = blockTypes[name];
      const dynamicPath = `${path}.dynamic.${name}`;
      if (!blockType) {
        this.report(path, `unknown dynamic block type "${name}"${didYouMean(name, Object.keys(blockTypes))}`);
        continue;
      }
      dynamicTypes.add(name);
      for (const one of Array.isArray(spec) ? spec : [spec]) {
        if (!isObject(one) || one.for_each === undefined || one.content === undefined) {
          this.report(dynamicPath, "needs for_each and content");
          continue;
        }
        for (const content of Array.isArray(one.content) ? one.content : [one.content]) {
          this.checkBody(content, blockType.block, `${dynamicPath}.content`, NO_META);
        }
      }
    }
  }

  private checkAttributeValue(value: Json, attribute: SchemaAttribute, path: string, name: string): void {
    if (attribute.type !== undefined) {
      const mismatch = typeMismatch(value, attribute.type);
      if (mismatch) this.report(path, `argument "${name}${mismatch.at}": ${mismatch.message}`);
      return;
    }
    const nested = attribute.nested_type;
    if (!nested || isExpression(value)) return;
    const block: SchemaBlock = { attributes: nested.attributes };
    if (nested.nesting_mode === "single") {
      this.checkBody(value, block, `${path}.${name}`, NO_META);
    } else if (nested.nesting_mode === "map") {
      if (!isObject(value)) this.report(path, `argument "${name}": expects a map of objects, got ${describe(value)}`);
      else for (const [key, item] of Object.entries(value)) this.checkBody(item, block, `${path}.${name}.${key}`, NO_META);
    } else if (!Array.isArray(value)) {
      this.report(path, `argument "${name}": expects a ${nested.nesting_mode} of objects, got ${describe(value)}`);
    } else {
      value.forEach((item, i) => this.checkBody(item, block, `${path}.${name}[${i}]`, NO_META));
    }
  }

  /** Every `${...}` reference (and every `depends_on` entry) must name something declared here. */
  private checkReferences(): void {
    const declared = {
      resource: namesByType(this.doc.resource),
      data: namesByType(this.doc.data),
      variable: new Set(isObject(this.doc.variable) ? Object.keys(this.doc.variable) : []),
      local: new Set(
        (Array.isArray(this.doc.locals) ? this.doc.locals : [this.doc.locals]).flatMap((l) => (isObject(l) ? Object.keys(l) : [])),
      ),
    };
    const check = (traversal: string[], path: string, text: string) => {
      const problem = this.resolve(traversal, declared);
      if (problem) this.report(path, `${problem} in "${text}"`);
    };
    for (const root of ["resource", "data", "provider", "output", "locals", "module"]) {
      walkStrings(this.doc[root], root, (text, path) => {
        for (const traversal of extractTraversals(text)) check(traversal, path, text);
      });
    }
    // cdktf writes depends_on as bare addresses ("aws_sns_topic.foo"), not as `${...}`.
    for (const kind of ["resource", "data"]) {
      for (const [type, byName] of Object.entries(asObject(this.doc[kind]))) {
        for (const [name, body] of Object.entries(asObject(byName))) {
          const dependsOn = isObject(body) ? body.depends_on : undefined;
          if (!Array.isArray(dependsOn)) continue;
          dependsOn.forEach((entry, i) => {
            if (typeof entry !== "string") return;
            const path = `${kind}.${type}.${name}.depends_on[${i}]`;
            const traversals = isExpression(entry) ? extractTraversals(entry) : extractTraversals(`\${${entry}}`);
            if (traversals.length === 0) this.report(path, `"${entry}" is not a resource or data source address`);
            for (const t of traversals) check(t, path, entry);
          });
        }
      }
    }
  }

  private resolve(
    traversal: string[],
    declared: {
      resource: Map<string, Set<string>>;
      data: Map<string, Set<string>>;
      variable: Set<string>;
      local: Set<string>;
    },
  ): string | undefined {
    const [root, ...rest] = traversal;
    if (root === "var") return declared.variable.has(rest[0]) ? undefined : `reference to undeclared variable "var.${rest[0]}"`;
    if (root === "local") return declared.local.has(rest[0]) ? undefined : `reference to undeclared local value "local.${rest[0]}"`;
    const isData = root === "data";
    const [type, name, ...after] = isData ? rest : traversal;
    if (type === undefined || name === undefined || isStep(type) || isStep(name)) return undefined;
    const address = isData ? `data.${type}.${name}` : `${type}.${name}`;
    if (!(isData ? declared.data : declared.resource).get(type)?.has(name)) {
      return `reference to undeclared ${isData ? "data source" : "resource"} "${address}"`;
    }
    const attribute = after.find((step) => !isStep(step));
    const block = (isData ? this.schema.data_source_schemas : this.schema.resource_schemas)[type]?.block;
    if (attribute === undefined || !block) return undefined;
    if (block.attributes?.[attribute] || block.block_types?.[attribute]) return undefined;
    const candidates = [...Object.keys(block.attributes ?? {}), ...Object.keys(block.block_types ?? {})];
    return `"${attribute}" is not an attribute of ${type}${didYouMean(attribute, candidates)}`;
  }
}

/**
 * Finds the references (`aws_x.name.attr`, `data.aws_x.name.attr`, `var.x`, `local.x`) inside every
 * `${...}` and `%{...}` of a Terraform template string. Each is returned as its steps, with index
 * and splat steps as "[...]" and "*": `aws_x.y[0].arn` gives `["aws_x", "y", "[0]", "arn"]`.
 */
export function extractTraversals(text: string): string[][] {
  const found: string[][] = [];
  scanTemplate(text, 0, found, false);
  return found;
}

/** Scans template text from `i`; inside an expression's quoted string, stops at the closing quote. */
function scanTemplate(s: string, i: number, found: string[][], quoted: boolean): number {
  while (i < s.length) {
    if (quoted && s[i] === "\\") {
      i += 2;
    } else if (quoted && s[i] === '"') {
      return i + 1;
    } else if (s.startsWith("$${", i) || s.startsWith("%%{", i)) {
      i += 3; // escaped, literal text
    } else if (s.startsWith("${", i) || s.startsWith("%{", i)) {
      i = scanExpression(s, i + 2, found);
    } else {
      i++;
    }
  }
  return i;
}

/** Scans an expression up to its closing `}`, collecting traversals; returns the index after it. */
function scanExpression(s: string, i: number, found: string[][]): number {
  let depth = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      i = scanTemplate(s, i + 1, found, true);
    } else if (c === "{") {
      depth++;
      i++;
    } else if (c === "}") {
      if (depth === 0) return i + 1;
      depth--;
      i++;
    } else if (isIdentStart(c)) {
      const end = identEnd(s, i);
      const prev = s[i - 1] ?? "";
      const afterWord = s.slice(end).trimStart();
      const isFunction = afterWord.startsWith("(") || afterWord.startsWith("::") || s.slice(0, i).endsWith("::");
      if (!/[.\w-]/.test(prev) && !isFunction && s[end] === ".") {
        const traversal = readTraversal(s, i);
        if (isReferenceRoot(traversal[0])) found.push(traversal);
      }
      i = end;
    } else {
      i++;
    }
  }
  return i;
}

function readTraversal(s: string, i: number): string[] {
  let end = identEnd(s, i);
  const steps = [s.slice(i, end)];
  for (;;) {
    if (s[end] === "." && isIdentStart(s[end + 1] ?? "")) {
      const next = identEnd(s, end + 1);
      steps.push(s.slice(end + 1, next));
      end = next;
    } else if (s[end] === "." && s[end + 1] === "*") {
      steps.push("*");
      end += 2;
    } else if (s[end] === "[") {
      const close = matchingBracket(s, end);
      steps.push(s.slice(end, close + 1));
      end = close + 1;
    } else {
      return steps;
    }
  }
}

function matchingBracket(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '"') {
      i = scanTemplate(s, i + 1, [], true) - 1;
    } else if (s[i] === "[") {
      depth++;
    } else if (s[i] === "]" && --depth === 0) {
      return i;
    }
  }
  return s.length - 1;
}

function isReferenceRoot(root: string): boolean {
  if (IGNORED_ROOTS.has(root)) return false;
  return root === "data" || root === "var" || root === "local" || root.startsWith("aws_");
}

const isIdentStart = (c: string) => /[A-Za-z_]/.test(c);
const identEnd = (s: string, i: number) => {
  let end = i;
  while (end < s.length && /[A-Za-z0-9_-]/.test(s[end])) end++;
  return end;
};
const isStep = (step: string) => step === "*" || step.startsWith("[");

/** Calls `visit` for every string value under `value` (not under "//" metadata keys). */
function walkStrings(value: Json | undefined, path: string, visit: (text: string, path: string) => void): void {
  if (typeof value === "string") visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, i) => walkStrings(item, `${path}[${i}]`, visit));
  else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) if (key !== "//") walkStrings(item, `${path}.${key}`, visit);
  }
}

function namesByType(byType: Json | undefined): Map<string, Set<string>> {
  return new Map(Object.entries(asObject(byType)).map(([type, byName]) => [type, new Set(Object.keys(asObject(byName)))]));
}

interface Mismatch {
  readonly at: string;
  readonly message: string;
}

/**
 * Whether a literal JSON value fits a cty type the way Terraform converts it: numbers and bools
 * convert to strings, numeric strings to numbers, "true"/"false" to bools. Strings containing
 * `${` are expressions and fit any type.
 */
function typeMismatch(value: Json, type: CtyType, at = ""): Mismatch | undefined {
  if (value === null || isExpression(value) || type === "dynamic") return undefined;
  const fail = () => ({ at, message: `expects ${typeName(type)}, got ${describe(value)}` });
  if (type === "string") return typeof value === "object" ? fail() : undefined;
  if (type === "number") {
    const ok = typeof value === "number" || (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)));
    return ok ? undefined : fail();
  }
  if (type === "bool") return typeof value === "boolean" || value === "true" || value === "false" ? undefined : fail();
  if (!Array.isArray(type)) return undefined; // a type this checker does not know: accept
  const [kind, inner] = type;
  if (kind === "list" || kind === "set") {
    if (!Array.isArray(value)) return fail();
    for (const [i, item] of value.entries()) {
      const m = typeMismatch(item, inner as CtyType, `${at}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (kind === "map") {
    if (!isObject(value)) return fail();
    for (const [key, item] of Object.entries(value)) {
      const m = typeMismatch(item, inner as CtyType, `${at}.${key}`);
      if (m) return m;
    }
    return undefined;
  }
  if (kind === "object") {
    if (!isObject(value)) return fail();
    const attributeTypes = inner as Record<string, CtyType>;
    const optional = new Set((type[2] as string[] | undefined) ?? []);
    for (const [key, item] of Object.entries(value)) {
      if (!(key in attributeTypes)) return { at: `${at}.${key}`, message: `unknown object attribute "${key}"` };
      const m = typeMismatch(item, attributeTypes[key], `${at}.${key}`);
      if (m) return m;
    }
    const missing = Object.keys(attributeTypes).find((key) => !optional.has(key) && !(key in value));
    return missing ? { at, message: `object attribute "${missing}" is required` } : undefined;
  }
  if (kind === "tuple") {
    const elementTypes = inner as CtyType[];
    if (!Array.isArray(value) || value.length !== elementTypes.length) return fail();
    for (const [i, item] of value.entries()) {
      const m = typeMismatch(item, elementTypes[i], `${at}[${i}]`);
      if (m) return m;
    }
  }
  return undefined;
}

function typeName(type: CtyType): string {
  if (!Array.isArray(type)) return type;
  const [kind, inner] = type;
  if (kind === "list" || kind === "set" || kind === "map") return `${kind} of ${typeName(inner as CtyType)}`;
  return kind;
}

function describe(value: Json | undefined): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

const isObject = (value: Json | undefined): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);
const asObject = (value: Json | undefined): JsonObject => (isObject(value) ? value : {});
const isExpression = (value: Json | undefined) => typeof value === "string" && (value.includes("${") || value.includes("%{"));

function didYouMean(name: string, candidates: string[]): string {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - name.length) >= bestDistance) continue;
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best ? ` (did you mean "${best}"?)` : "";
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
