/** `Name: message` of an error and its causes, duck-typed (errors can come from another realm). */
export function errorReason(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; depth < 3 && e !== undefined && e !== null; depth++) {
    if (typeof e !== "object") {
      parts.push(String(e));
      break;
    }
    const { name, message, cause } = e as { name?: unknown; message?: unknown; cause?: unknown };
    const text = [typeof name === "string" ? name : "", typeof message === "string" ? message : ""].filter((p) => p).join(": ");
    if (text && !parts.some((p) => p.includes(text))) parts.push(text);
    e = cause;
  }
  return parts.join(" / cause: ").slice(0, 500) || "unknown error";
}
