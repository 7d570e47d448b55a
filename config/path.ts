/** `["regions", 1]` -> `regions[1]`; `["notifications","chatbot"]` -> `notifications.chatbot`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), "");
}
