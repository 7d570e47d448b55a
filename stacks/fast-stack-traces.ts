/**
 * cdktf captures a full, unlimited-depth stack trace for every token it creates (each reference
 * such as `topic.arn`, and every nested-block list of every resource): tens of thousands for
 * `regions: all` x 10 accounts. Only error messages about malformed tokens ever read them, and
 * formatting them (through tsx's source maps) was most of the synth time in `npm run bench`.
 *
 * This formats traces captured on plain objects (cdktf's `captureStackTrace`) as empty, and
 * real Errors exactly as V8 does, so the stack traces of genuine bugs are unchanged.
 */
export function skipTokenStackTraces(): void {
  process.setSourceMapsEnabled?.(false);
  Error.prepareStackTrace = (err: unknown, frames: NodeJS.CallSite[]) =>
    err instanceof Error ? `${String(err)}${frames.map((f) => `\n    at ${String(f)}`).join("")}` : "";
}
