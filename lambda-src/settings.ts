import * as z from "zod/mini";
import type { WebhookRoute } from "./contract";

export type { WebhookRoute };

/** Everything the function reads from its environment, parsed once. */
export interface NotifierSettings {
  /** SSM parameter name of the default webhook (`WEBHOOK_PARAMETER`). */
  readonly defaultParameter: string;
  /** Severity routes (`WEBHOOK_ROUTES`); empty when unset. */
  readonly routes: readonly WebhookRoute[];
  /** Account id → friendly name (`ACCOUNT_NAMES`); empty when unset. */
  readonly accountNames: Readonly<Record<string, string>>;
}

const RoutesSchema = z.array(
  z.object({ minSeverity: z.number().check(z.minimum(0), z.maximum(10)), parameter: z.string().check(z.minLength(1)) }),
);
const AccountNamesSchema = z.record(z.string(), z.string());

export class SettingsError extends Error {}

function parseJson<T>(name: string, raw: string | undefined, schema: z.ZodMiniType<T>, empty: T): T {
  if (raw === undefined || raw.trim() === "") return empty;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new SettingsError(`${name} is not valid JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new SettingsError(`${name} has the wrong shape: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * Reads the settings from an environment. A malformed value throws (a misconfigured stack should
 * fail loudly on the first invocation, and Lambda's on-failure destination keeps the event).
 */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): NotifierSettings {
  const defaultParameter = env.WEBHOOK_PARAMETER?.trim();
  if (!defaultParameter) throw new SettingsError("WEBHOOK_PARAMETER is not set");
  return {
    defaultParameter,
    routes: parseJson("WEBHOOK_ROUTES", env.WEBHOOK_ROUTES, RoutesSchema, []),
    accountNames: parseJson("ACCOUNT_NAMES", env.ACCOUNT_NAMES, AccountNamesSchema, {}),
  };
}

/** The webhook parameter for a severity: the route with the highest floor not above it, else the default. */
export function parameterFor(severity: number, settings: Pick<NotifierSettings, "defaultParameter" | "routes">): string {
  let best: WebhookRoute | undefined;
  for (const route of settings.routes) {
    if (severity >= route.minSeverity && (best === undefined || route.minSeverity > best.minSeverity)) best = route;
  }
  return best?.parameter ?? settings.defaultParameter;
}
