import * as z from "zod/mini";

/**
 * An optional field that tolerates a wrong type: the value becomes `undefined` instead of failing the
 * whole event, so one odd field degrades a message instead of sending it down the generic path.
 */
export function lenient<T extends z.ZodMiniType>(schema: T) {
  return z.catch(z.optional(schema), undefined);
}

export const str = lenient(z.string());
export const num = lenient(z.number());
/** Numbers that some exporters serialise as strings ("8.0"). */
export const numeric = lenient(z.union([z.number(), z.string()]));
