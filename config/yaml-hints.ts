/**
 * YAML traps a newcomer falls into, found on the parsed document before validation, where the
 * source text is still known:
 * - `slackChannelId: #security` is a comment, so the value is empty (null);
 * - an unquoted account id as a map key (`accountNames: { 011111111111: prod }`) is read as a
 *   number and loses its leading zeros.
 */
import { type Document, isMap, isPair, isScalar, isSeq, type Node } from "yaml";
import { formatPath } from "./path";

export interface YamlHints {
  /** Problems found here, each already a full message. */
  readonly problems: string[];
  /** Path (as formatPath prints it) -> why the value there is empty. */
  readonly emptyBecauseComment: Map<string, string>;
}

/** Maps whose keys are account ids. */
const ACCOUNT_ID_KEYED = new Set(["notifications.accountNames"]);

export function inspectYaml(doc: Document): YamlHints {
  const hints: YamlHints = { problems: [], emptyBecauseComment: new Map() };
  walk(doc.contents as Node | null, [], hints);
  return hints;
}

function walk(node: Node | null, path: (string | number)[], hints: YamlHints): void {
  if (isSeq(node)) node.items.forEach((item, i) => walk(item as Node, [...path, i], hints));
  if (!isMap(node)) return;
  const here = formatPath(path);
  for (const pair of node.items) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const key = pair.key;
    if (ACCOUNT_ID_KEYED.has(here) && typeof key.value === "number") {
      const source = key.source ?? String(key.value);
      if (source !== String(key.value)) {
        hints.problems.push(
          `${here}: the key ${source} is unquoted, so YAML reads it as the number ${String(key.value)} and drops the leading zeros; quote account ids: "${source}"`,
        );
      }
      // Keep the id as written, so the mistake is reported once, here.
      key.value = source;
    }
    const keyPath = [...path, String(key.value)];
    const value = pair.value;
    if (isScalar(value) && value.value === null && value.comment != null && !value.source) {
      hints.emptyBecauseComment.set(formatPath(keyPath), `#${value.comment.trimEnd()}`);
    }
    walk(value as Node | null, keyPath, hints);
  }
}
