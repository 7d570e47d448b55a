/**
 * A test-only evaluator of CloudWatch Logs JSON filter patterns, for the subset threat-alerts emits:
 * `{ ... }`, `$.a.b` and `$.a[0]` selectors, `=`, `!=`, numeric `<`, `>`, `<=`, `>=`, `*` wildcards
 * in quoted and bare values, `&&`, `||`, parentheses, `IS NULL`, `NOT EXISTS`, `IS TRUE`/`IS FALSE`.
 * It throws on anything else, so a pattern it accepts is at least in the documented syntax.
 *
 * Semantics follow "Filter and Pattern Syntax" / "Using filter patterns to match terms in JSON log
 * events" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html;
 * the text quoted below is from the archived source
 * https://github.com/awsdocs/amazon-cloudwatch-logs-user-guide/blob/1487b9496d8366bf7039a1efbeeb3a0702b42c50/doc_source/FilterAndPatternSyntax.md):
 * - precedence "() > && > ||";
 * - wildcard "'*' ... to match any text at, before, or after a search term ... Ev*ent will only match
 *   the actual string Ev*ent": only a leading and/or trailing `*` is a wildcard;
 * - "The SELECTOR must point to a value node (string or number) ... both {$.users = 1} and
 *   {$.users != 1} will fail to match a log event where users is an array": `=` and `!=` are false
 *   on objects, arrays and null;
 * - a missing field: `!=` is false too, not true. The docs only say NOT EXISTS "will only be true if
 *   specified object does not exist"; a console test shows `{ $.user.phone != "0800" }` does not
 *   match events without `phone` and needs `|| $.user.phone NOT EXISTS`
 *   (https://devio-20240701.developers.io/articles/cloudwatch-logs-json-notexists-false-001).
 * - "Filter patterns are case sensitive."
 */

type Op = "=" | "!=" | "<" | ">" | "<=" | ">=";
type PathStep = string | number;
type Node =
  | { kind: "or" | "and"; items: Node[] }
  | { kind: "cmp"; path: PathStep[]; op: Op; value: string; quoted: boolean }
  | { kind: "isNull" | "notExists" | "isTrue" | "isFalse"; path: PathStep[] };

/** Parses a JSON filter pattern; throws with the position on a syntax error. */
export function parseFilterPattern(pattern: string): Node {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`filter pattern: ${what} at ${i} in ${pattern}`);
  };
  const ws = () => {
    while (i < pattern.length && /\s/.test(pattern[i]!)) i++;
  };
  const eat = (s: string) => {
    ws();
    if (pattern.startsWith(s, i)) {
      i += s.length;
      return true;
    }
    return false;
  };
  const keyword = (k: string) => {
    ws();
    const re = new RegExp(`^${k}(?![A-Za-z0-9_])`);
    const m = re.exec(pattern.slice(i));
    if (!m) return false;
    i += m[0].length;
    return true;
  };

  const selector = (): PathStep[] => {
    ws();
    if (pattern[i] !== "$") fail(`expected a selector starting with $`);
    i++;
    const path: PathStep[] = [];
    for (;;) {
      if (pattern[i] === ".") {
        i++;
        const m = /^[A-Za-z0-9_-]+/.exec(pattern.slice(i)) ?? fail("expected a property name");
        path.push(m[0]);
        i += m[0].length;
      } else if (pattern[i] === "[") {
        const m = /^\[(\d+)\]/.exec(pattern.slice(i)) ?? fail("expected [NUMBER]");
        path.push(Number(m[1]));
        i += m[0].length;
      } else break;
    }
    if (path.length === 0) fail("expected .property after $");
    return path;
  };

  const value = (): { value: string; quoted: boolean } => {
    ws();
    if (pattern[i] === '"') {
      i++;
      let out = "";
      while (i < pattern.length && pattern[i] !== '"') {
        if (pattern[i] === "\\" && i + 1 < pattern.length) i++;
        out += pattern[i++];
      }
      if (pattern[i] !== '"') fail("unterminated string");
      i++;
      return { value: out, quoted: true };
    }
    const m = /^[^\s()&|{}"]+/.exec(pattern.slice(i)) ?? fail("expected a value");
    i += m[0].length;
    return { value: m[0], quoted: false };
  };

  const comparison = (): Node => {
    const path = selector();
    if (keyword("IS")) {
      if (keyword("NULL")) return { kind: "isNull", path };
      if (keyword("TRUE")) return { kind: "isTrue", path };
      if (keyword("FALSE")) return { kind: "isFalse", path };
      fail("expected NULL, TRUE or FALSE after IS");
    }
    if (keyword("NOT")) {
      if (keyword("EXISTS")) return { kind: "notExists", path };
      fail("expected EXISTS after NOT");
    }
    ws();
    const op = (["!=", "<=", ">=", "=", "<", ">"] as const).find((o) => pattern.startsWith(o, i)) ?? fail("expected an operator");
    i += op.length;
    return { kind: "cmp", path, op, ...value() };
  };

  const primary = (): Node => {
    if (eat("(")) {
      const n = orExpr();
      if (!eat(")")) fail("expected )");
      return n;
    }
    return comparison();
  };
  const andExpr = (): Node => {
    const items = [primary()];
    while (eat("&&")) items.push(primary());
    return items.length === 1 ? items[0]! : { kind: "and", items };
  };
  const orExpr = (): Node => {
    const items = [andExpr()];
    while (eat("||")) items.push(andExpr());
    return items.length === 1 ? items[0]! : { kind: "or", items };
  };

  if (!eat("{")) fail("a JSON filter pattern starts with {");
  const root = orExpr();
  if (!eat("}")) fail("expected }");
  ws();
  if (i !== pattern.length) fail("unexpected text after }");
  return root;
}

const MISSING = Symbol("missing");

function resolve(event: unknown, path: PathStep[]): unknown {
  let cur: unknown = event;
  for (const step of path) {
    if (typeof step === "number") {
      if (!Array.isArray(cur) || step >= cur.length) return MISSING;
      cur = cur[step];
    } else {
      if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, step)) return MISSING;
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return cur;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function wildcardMatch(text: string, literal: string): boolean {
  if (literal === "*") return true;
  const leading = literal.startsWith("*");
  const trailing = literal.length > 1 && literal.endsWith("*");
  const core = literal.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  if (leading && trailing) return text.includes(core);
  if (leading) return text.endsWith(core);
  if (trailing) return text.startsWith(core);
  return text === core;
}

function evaluate(n: Node, event: unknown): boolean {
  switch (n.kind) {
    case "or":
      return n.items.some((x) => evaluate(x, event));
    case "and":
      return n.items.every((x) => evaluate(x, event));
    case "notExists":
      return resolve(event, n.path) === MISSING;
    case "isNull":
      return resolve(event, n.path) === null;
    case "isTrue":
      return resolve(event, n.path) === true;
    case "isFalse":
      return resolve(event, n.path) === false;
    case "cmp": {
      const v = resolve(event, n.path);
      // Only value nodes (string, number) take part; missing, null, objects and arrays never match.
      if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") return false;
      if (n.op !== "=" && n.op !== "!=") {
        if (typeof v !== "number" || !NUMBER.test(n.value)) return false;
        const x = Number(n.value);
        return n.op === "<" ? v < x : n.op === ">" ? v > x : n.op === "<=" ? v <= x : v >= x;
      }
      const equal = typeof v === "number" && !n.quoted && NUMBER.test(n.value) ? v === Number(n.value) : wildcardMatch(String(v), n.value);
      return n.op === "=" ? equal : !equal;
    }
  }
}

/** Whether a JSON log event matches a CloudWatch Logs JSON filter pattern. */
export function matchesFilterPattern(pattern: string, event: object): boolean {
  return evaluate(parseFilterPattern(pattern), event);
}
