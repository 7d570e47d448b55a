/**
 * Reads, parses and validates the config file. Every problem is collected and reported at once,
 * each with its path and its fix; nothing is synthesized from a config with a problem.
 */
import { readFileSync } from "node:fs";
import { distance } from "fastest-levenshtein";
import { parseDocument } from "yaml";
import { z } from "zod";
import { configSchema, type ParsedConfig } from "./schema";
import { DEFAULT_REGIONS } from "./regions";
import { AllowListError } from "../detection/console-allow-list";
import { logAlarmSpecs, type LogAlarmSpec } from "../detection/log-alarms";
import { firstDeployWarnings } from "./first-deploy-warnings";
import { formatPath } from "./path";
import { inspectYaml } from "./yaml-hints";

export const DEFAULT_CONFIG_PATH = "threat-alerts.yaml";
export const CONFIG_PATH_ENV = "THREAT_ALERTS_CONFIG";

/** A mistake in the user's config: printed as its message alone, never with a stack trace. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** One stack's target: an account from `accounts`, or the credentials' own account. */
export interface AccountTarget {
  /** Stack name suffix; undefined for the single credentials-account stack. */
  readonly name?: string;
  readonly id?: string;
  readonly assumeRoleArn?: string;
}

/** The validated config with `regions: all`, the default account and derived settings resolved. */
export type Config = Omit<ParsedConfig, "regions" | "accounts"> & {
  readonly regions: readonly string[];
  readonly accounts: readonly AccountTarget[];
  /** CloudTrail metric-filter alarms and the region of the log group they watch; none without `cloudtrail`. */
  readonly logAlarms: { readonly region: string; readonly specs: readonly LogAlarmSpec[] } | undefined;
  /** Things worth telling the user that do not stop the synth. */
  readonly warnings: readonly string[];
};

export function configPathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env[CONFIG_PATH_ENV] || DEFAULT_CONFIG_PATH;
}

/** The one line every run prints: which file it read, and why that one. */
export function describeConfigSource(file: string, env: NodeJS.ProcessEnv = process.env): string {
  return env[CONFIG_PATH_ENV] ? `config ${file} (from ${CONFIG_PATH_ENV})` : `config ${file} (the default: ${CONFIG_PATH_ENV} is not set)`;
}

export function loadConfigFile(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [
      code === "ENOENT"
        ? `file not found; create it (see threat-alerts.yaml) or point ${CONFIG_PATH_ENV} at your config`
        : `cannot read the file (${code ?? String(err)})`,
    ]);
  }
  return parseConfig(text, file);
}

/** Parses YAML text and validates it; throws ConfigError listing every problem. */
export function parseConfig(text: string, file = "<config>"): Config {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        // Inside { ... } a `#` after a space starts a comment that swallows the closing brace.
        const lines = text.split("\n").slice(Math.max(0, (pos?.line ?? 1) - 2), pos?.line ?? 1);
        const comment = lines.some((l) => /(^|\s)#/.test(l) && /[{[]/.test(l))
          ? `; a # after a space starts a comment, so quote values like "#security"`
          : "";
        return `YAML syntax error${pos ? ` at line ${pos.line}, column ${pos.col}` : ""}: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}${comment}`;
      }),
    );
  }
  const hints = inspectYaml(doc);
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) throw new ConfigError(file, ["the file is empty; start from threat-alerts.yaml"]);
  return validateConfig(raw, file, hints);
}

export function validateConfig(raw: unknown, file = "<config>", hints?: ReturnType<typeof inspectYaml>): Config {
  const result = configSchema.safeParse(raw);
  const problems = [...(hints?.problems ?? [])];
  if (!result.success) problems.push(...result.error.issues.map((i) => describeIssue(i, raw, hints?.emptyBecauseComment)));
  problems.push(...alarmPeriodProblems(raw));
  // One message per problem, even when two rules reach the same conclusion.
  if (problems.length > 0 || !result.success) throw new ConfigError(file, [...new Set(problems)]);
  const c = result.data;
  const warnings: string[] = [];
  let logAlarms: Config["logAlarms"];
  if (c.cloudtrail) {
    const { specs, warnings: w } = logAlarmSpecs(c.cloudtrail);
    warnings.push(...w);
    // A created trail's log group is in homeRegion; an existing one where the config says.
    const region = c.cloudtrail.createTrail ? c.homeRegion : (c.cloudtrail.logGroup.region ?? c.homeRegion);
    logAlarms = { region, specs };
  }
  const regions = c.regions === "all" ? [...DEFAULT_REGIONS] : c.regions;
  warnings.push(...firstDeployWarnings({ ...c, regions }));
  return {
    ...c,
    regions,
    accounts: c.accounts ?? [{}],
    logAlarms,
    warnings,
  };
}

/**
 * CloudWatch refuses alarms that evaluate more than a day of data. Checked on the cloudtrail
 * section alone, so it is reported with every other problem of the file.
 */
function alarmPeriodProblems(raw: unknown): string[] {
  const section = raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>).cloudtrail : undefined;
  if (section === undefined) return [];
  const parsed = configSchema.shape.cloudtrail.safeParse(section);
  if (!parsed.success || !parsed.data) return [];
  let specs: readonly LogAlarmSpec[];
  try {
    specs = logAlarmSpecs(parsed.data).specs;
  } catch (err) {
    // An allow-list the pattern builder refuses is reported by the schema.
    if (err instanceof AllowListError) return [];
    throw err;
  }
  return specs
    .filter((s) => s.periodSec * s.evaluationPeriods > 86400)
    .map(
      (s) =>
        `cloudtrail.alarms.${s.name}: periodSec x evaluationPeriods is ${s.periodSec * s.evaluationPeriods} seconds; CloudWatch allows at most 86400 (one day)`,
    );
}

const YAML_1_1_BOOLEANS = /^(yes|no|on|off|y|n|true|false)$/i;

function describeIssue(issue: z.core.$ZodIssue, raw: unknown, emptyBecauseComment?: ReadonlyMap<string, string>): string {
  const where = formatPath(issue.path) || "(top level)";
  const value = valueAt(raw, issue.path);
  const comment = emptyBecauseComment?.get(where);
  if (comment !== undefined && value === null) {
    const fix = where.endsWith("slackChannelId")
      ? "use the channel id like C0123ABCD (in Slack: channel details > About, at the bottom), not its #name"
      : "write the value in quotes";
    return `${where}: empty, because YAML reads "${comment}" as a comment; ${fix}`;
  }
  if (issue.code === "invalid_type" && issue.expected === "boolean" && typeof value === "string" && YAML_1_1_BOOLEANS.test(value)) {
    return `${where}: "${value}" is text in YAML 1.2, not a boolean; write true or false`;
  }
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(issue.path);
    return issue.keys
      .map((key) => {
        const near = known && closest(key, known);
        const at = formatPath([...issue.path, key]);
        return `${at}: unknown key${near ? `; did you mean "${near}"?` : ""}${known ? ` (allowed here: ${known.join(", ")})` : ""}`;
      })
      .join("\n  - ");
  }
  if (issue.code === "invalid_type" && value === undefined) {
    return `${where}: required; ${issue.message.startsWith("Invalid input") ? "add it" : issue.message}`;
  }
  return `${where}: ${issue.message}`;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** The parts of a zod schema's definition the key walk reads (zod's own def types are per schema kind). */
interface DefView {
  readonly type: string;
  readonly innerType?: z.core.$ZodType;
  readonly in?: z.core.$ZodType;
  readonly shape?: Record<string, z.core.$ZodType>;
  readonly element?: z.core.$ZodType;
  readonly keyType?: { readonly _zod?: { readonly def?: { readonly entries?: Record<string, unknown> } } };
  readonly valueType?: z.core.$ZodType;
}
const defOf = (s: z.core.$ZodType): DefView => s._zod.def as unknown as DefView;

/** The keys the schema allows at a path, for "did you mean" hints. */
function knownKeys(path: readonly PropertyKey[]): string[] | undefined {
  let s: z.core.$ZodType | undefined = configSchema;
  for (const key of [...path, undefined]) {
    // Unwrap defaults, optionals, refinements and transforms down to the object or array inside.
    for (let guard = 0; s && guard < 10; guard++) {
      const def = defOf(s);
      if (def.type === "default" || def.type === "optional" || def.type === "nullable" || def.type === "pipe") s = def.innerType ?? def.in;
      else break;
    }
    if (!s) return undefined;
    const def = defOf(s);
    if (key === undefined) {
      if (def.type === "object" && def.shape) return Object.keys(def.shape);
      // A record keyed by an enum (cloudtrail.alarms) allows the enum's values.
      const keyEntries = def.type === "record" ? def.keyType?._zod?.def?.entries : undefined;
      return keyEntries ? Object.values(keyEntries).map(String) : undefined;
    }
    if (typeof key === "number" && def.type === "array") s = def.element;
    else if (typeof key === "string" && def.type === "object") s = def.shape?.[key];
    else if (def.type === "record") s = def.valueType;
    else return undefined;
  }
  return undefined;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  // An abbreviation (RootUsage for RootAccountUsage) is a near miss too.
  const abbreviated = word.length >= 4 ? candidates.filter((c) => isSubsequence(word.toLowerCase(), c.toLowerCase())) : [];
  if (abbreviated.length === 1) return abbreviated[0];
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (!best || d < best.d) best = { c, d };
  }
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.c : undefined;
}

function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const ch of long) if (ch === short[i]) i++;
  return i === short.length;
}
