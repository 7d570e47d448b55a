/**
 * cdktf records a full, unlimited-depth stack trace for every token it creates (each reference
 * such as `topic.arn`, and every nested-block list of every resource): tens of thousands for
 * `regions: all` x 10 accounts. It captures them on plain objects (`{ stack: "" }`), only error
 * messages about malformed tokens ever read them, and capturing and formatting them (through
 * source maps) was over half the synth time in `npm run bench`.
 *
 * This leaves such plain-object captures empty (cdktf handles an empty trace) and captures on
 * real Errors as before, so the stack traces of genuine bugs are unchanged.
 */
export function skipTokenStackTraces(): void {
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = function captureForErrorsOnly(target: object, constructorOpt?: Parameters<typeof capture>[1]): void {
    if (target instanceof Error) capture(target, constructorOpt);
  };
}
