/**
 * Offline EventBridge event pattern matching, so tests can prove which real events a rule's
 * pattern lets through. Follows the documented semantics:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 * and aws/event-ruler's README (the library behind EventBridge), including its array-consistent
 * matching (`rulesForJSONEvent`): fields matched inside an array of objects must come from the
 * same element.
 *
 * The whole pattern is validated before matching, and anything EventBridge would reject or that
 * this matcher does not know (an unknown operator, a bare string instead of a list) throws, so a
 * typo in one of our own patterns fails the test instead of silently never matching.
 */

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

const OPERATORS = new Set(["prefix", "suffix", "equals-ignore-case", "wildcard", "anything-but", "numeric", "exists", "cidr"]);
const LOWER_BOUNDS = new Set([">", ">="]);
const UPPER_BOUNDS = new Set(["<", "<="]);

/**
 * Whether `event` matches the EventBridge event `pattern`.
 *
 * @throws Error when the pattern is not valid (unknown operator, wrong shape, bad operand).
 */
export function matchesEventPattern(pattern: object, event: object): boolean {
  assertValidEventPattern(pattern);
  return matchObject(pattern as JsonObject, event as JsonValue);
}

/**
 * Throws an Error naming the path of the first problem when `pattern` is not a valid EventBridge
 * event pattern (as far as this matcher knows the rules).
 */
export function assertValidEventPattern(pattern: object): void {
  if (!isObject(pattern as JsonValue)) throw new Error("event pattern: expected a JSON object");
  validateObject(pattern as JsonObject, "");
}

function validateObject(pattern: JsonObject, path: string): void {
  for (const [key, value] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key === "$or") {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) {
        fail(at, '"$or" needs an array of at least two pattern objects');
      }
      value.forEach((alternative, i) => validateObject(alternative as JsonObject, `${at}[${i}]`));
    } else if (Array.isArray(value)) {
      if (value.length === 0) fail(at, "an empty list of values matches nothing");
      value.forEach((matcher, i) => validateMatcher(matcher, `${at}[${i}]`));
    } else if (isObject(value)) {
      validateObject(value, at);
    } else {
      fail(at, `expected a list of values or a nested object, got ${JSON.stringify(value)}`);
    }
  }
}

function validateMatcher(matcher: JsonValue, at: string): void {
  if (!isObject(matcher)) {
    if (Array.isArray(matcher)) fail(at, "a value list cannot contain a list");
    return; // string, number, boolean or null: exact match
  }
  const keys = Object.keys(matcher);
  if (keys.length !== 1) fail(at, `an operator object needs exactly one operator, got ${JSON.stringify(keys)}`);
  const [operator] = keys;
  const operand = matcher[operator];
  if (!OPERATORS.has(operator)) fail(at, `unknown operator "${operator}"`);
  switch (operator) {
    case "prefix":
    case "suffix":
      if (typeof operand === "string") return;
      if (isObject(operand) && Object.keys(operand).join() === "equals-ignore-case") {
        if (typeof operand["equals-ignore-case"] === "string") return;
      }
      return fail(at, `"${operator}" takes a string or {"equals-ignore-case": string}`);
    case "equals-ignore-case":
      if (typeof operand !== "string") fail(at, '"equals-ignore-case" takes a string');
      return;
    case "wildcard":
      if (typeof operand !== "string") fail(at, '"wildcard" takes a string');
      wildcardRegExp(operand as string, at);
      return;
    case "exists":
      if (typeof operand !== "boolean") fail(at, '"exists" takes true or false');
      return;
    case "numeric":
      numericConditions(operand, at);
      return;
    case "cidr":
      if (typeof operand !== "string" || !parseCidr(operand)) fail(at, `"cidr" takes an IPv4 or IPv6 CIDR block`);
      return;
    case "anything-but":
      return validateAnythingBut(operand, at);
  }
}

function validateAnythingBut(operand: JsonValue, at: string): void {
  if (typeof operand === "string" || typeof operand === "number") return;
  if (Array.isArray(operand)) {
    const allStrings = operand.every((v) => typeof v === "string");
    const allNumbers = operand.every((v) => typeof v === "number");
    if (operand.length > 0 && (allStrings || allNumbers)) return;
    fail(at, '"anything-but" list must be non-empty and all strings or all numbers');
  }
  if (isObject(operand) && Object.keys(operand).length === 1) {
    const [inner] = Object.keys(operand);
    const value = operand[inner];
    const strings = typeof value === "string" ? [value] : Array.isArray(value) ? value : [];
    const ok = strings.length > 0 && strings.every((v) => typeof v === "string");
    if ((inner === "prefix" || inner === "suffix") && typeof value === "string") return;
    if ((inner === "equals-ignore-case" || inner === "wildcard") && ok) {
      if (inner === "wildcard") strings.forEach((w) => wildcardRegExp(w as string, at));
      return;
    }
  }
  fail(at, `"anything-but" takes a string, a number, a list, or one of prefix/suffix/equals-ignore-case/wildcard`);
}

type Condition = readonly [string, number];

/** `["=", 5]`, `[">=", 7]`, `[">", 0, "<=", 5]`: at most one lower and one upper bound. */
function numericConditions(operand: JsonValue, at: string): Condition[] {
  const bad = () => fail(at, `"numeric" takes ["=", n], [op, n] or a lower and an upper bound, got ${JSON.stringify(operand)}`);
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) return bad();
  const conditions: Condition[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const [op, n] = [operand[i], operand[i + 1]];
    if (typeof op !== "string" || typeof n !== "number" || !Number.isFinite(n)) return bad();
    if (op !== "=" && !LOWER_BOUNDS.has(op) && !UPPER_BOUNDS.has(op)) return bad();
    conditions.push([op, n]);
  }
  if (conditions.length === 2) {
    const lower = conditions.find(([op]) => LOWER_BOUNDS.has(op));
    const upper = conditions.find(([op]) => UPPER_BOUNDS.has(op));
    if (!lower || !upper || lower[1] > upper[1]) return bad();
  }
  return conditions;
}

/**
 * Wildcard rules from event-ruler: `*` matches any run of characters, `\*` a literal star and
 * `\\` a literal backslash; consecutive `**` and any other escape are rejected.
 */
function wildcardRegExp(wildcard: string, at: string): RegExp {
  let source = "";
  for (let i = 0; i < wildcard.length; i++) {
    const c = wildcard[i];
    if (c === "\\") {
      const next = wildcard[i + 1];
      if (next !== "*" && next !== "\\") fail(at, `"wildcard" may only escape * or \\: ${JSON.stringify(wildcard)}`);
      source += escapeRegExp(next);
      i++;
    } else if (c === "*") {
      if (wildcard[i + 1] === "*") fail(at, `"wildcard" cannot have consecutive *: ${JSON.stringify(wildcard)}`);
      source += "[\\s\\S]*";
    } else {
      source += escapeRegExp(c);
    }
  }
  return new RegExp(`^${source}$`);
}

function matchObject(pattern: JsonObject, value: JsonValue | undefined): boolean {
  if (Array.isArray(value)) {
    const elements = flatten(value);
    if (elements.length === 0) return matchFields(pattern, undefined);
    return elements.some((element) => matchFields(pattern, element));
  }
  return matchFields(pattern, value);
}

/** Every field of the pattern must match (AND). */
function matchFields(pattern: JsonObject, value: JsonValue | undefined): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === "$or") return (sub as JsonObject[]).some((alternative) => matchObject(alternative, value));
    const child = isObject(value) && Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
    return Array.isArray(sub) ? matchLeaf(sub, child) : matchObject(sub as JsonObject, child);
  });
}

/**
 * The leaf values of an event field: a scalar (null included) is one leaf, an array contributes
 * its scalar elements, and an object is an intermediate node, not a leaf.
 */
function leaves(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || isObject(value)) return [];
  if (Array.isArray(value)) return flatten(value).filter((v) => !isObject(v));
  return [value];
}

/** Any of the listed values or operators may match (OR), against any leaf of the field. */
function matchLeaf(matchers: JsonValue[], value: JsonValue | undefined): boolean {
  const values = leaves(value);
  return matchers.some((matcher) => {
    if (!isObject(matcher)) return values.some((v) => v === matcher);
    if ("exists" in matcher) return matcher.exists === values.length > 0;
    return values.some((v) => matchOperator(matcher, v));
  });
}

function matchOperator(matcher: JsonObject, value: JsonValue): boolean {
  const [[operator, operand]] = Object.entries(matcher);
  switch (operator) {
    case "prefix":
    case "suffix": {
      if (typeof value !== "string") return false;
      const ignoreCase = isObject(operand);
      const affix = ignoreCase ? (operand["equals-ignore-case"] as string) : (operand as string);
      const subject = ignoreCase ? value.toLowerCase() : value;
      const wanted = ignoreCase ? affix.toLowerCase() : affix;
      return operator === "prefix" ? subject.startsWith(wanted) : subject.endsWith(wanted);
    }
    case "equals-ignore-case":
      return typeof value === "string" && value.toLowerCase() === (operand as string).toLowerCase();
    case "wildcard":
      return typeof value === "string" && wildcardRegExp(operand as string, "").test(value);
    case "numeric":
      return typeof value === "number" && numericConditions(operand, "").every(([op, n]) => compare(value, op, n));
    case "cidr":
      return typeof value === "string" && inCidr(value, operand as string);
    case "anything-but":
      return !anythingButExcludes(operand, value);
  }
  throw new Error(`unknown operator "${operator}"`); // unreachable after validation
}

/** Whether `value` is one of the things an anything-but operand excludes. */
function anythingButExcludes(operand: JsonValue, value: JsonValue): boolean {
  if (Array.isArray(operand)) return operand.some((excluded) => excluded === value);
  if (!isObject(operand)) return operand === value;
  const [[inner, innerOperand]] = Object.entries(operand);
  const operands = Array.isArray(innerOperand) ? innerOperand : [innerOperand];
  return operands.some((one) => matchOperator({ [inner]: one }, value));
}

function compare(value: number, op: string, n: number): boolean {
  switch (op) {
    case "=":
      return value === n;
    case ">":
      return value > n;
    case ">=":
      return value >= n;
    case "<":
      return value < n;
    default:
      return value <= n;
  }
}

interface Cidr {
  readonly bits: 32 | 128;
  readonly network: bigint;
  readonly prefix: number;
}

function parseCidr(text: string): Cidr | undefined {
  const [address, prefixText, ...rest] = text.split("/");
  if (rest.length > 0) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  const prefix = prefixText === undefined ? ip.bits : Number(prefixText);
  if (!/^\d+$/.test(prefixText ?? "0") || prefix > ip.bits) return undefined;
  return { bits: ip.bits, network: ip.value >> BigInt(ip.bits - prefix), prefix };
}

function inCidr(address: string, cidrText: string): boolean {
  const cidr = parseCidr(cidrText);
  const ip = parseIp(address);
  if (!cidr || !ip || ip.bits !== cidr.bits) return false;
  return ip.value >> BigInt(cidr.bits - cidr.prefix) === cidr.network;
}

function parseIp(text: string): { bits: 32 | 128; value: bigint } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const octets = text.split(".").map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { bits: 32, value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n) };
  }
  if (!/^[0-9A-Fa-f:]+$/.test(text) || text.split("::").length > 2) return undefined;
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const headGroups = groups(head);
  const tailGroups = tail === undefined ? [] : groups(tail);
  const missing = 8 - headGroups.length - tailGroups.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const all = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...tailGroups];
  if (all.some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  return { bits: 128, value: all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

/** Arrays nested in arrays count as one array (`Array.prototype.flat(Infinity)` is too deep for tsc). */
const flatten = (values: JsonValue[]): JsonValue[] => values.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

function fail(at: string, message: string): never {
  throw new Error(`event pattern${at ? ` at ${at}` : ""}: ${message}`);
}
