import * as z from "zod/mini";
import { NOTIFIER_ENV } from "./contract";
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
  /**
   * Settings that were malformed and replaced by their empty value: names and routes are conveniences,
   * so a bad value degrades messages (no names; everything to the default webhook) instead of blocking alerts.
   */
  readonly problems?: readonly string[];
  /** Set when `WEBHOOK_ROUTES` was malformed: every message then says that routing failed. */
  readonly routingProblem?: string;
}

const RoutesSchema = z.array(
  z.object({ minSeverity: z.number().check(z.minimum(0), z.maximum(10)), parameter: z.string().check(z.minLength(1)) }),
);
const AccountNamesSchema = z.record(z.string(), z.string());

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

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
 * Reads the settings from an environment. Only a missing default webhook throws: nothing could be
 * delivered without it (Lambda's on-failure destination keeps the event). A malformed
 * `WEBHOOK_ROUTES` or `ACCOUNT_NAMES` is listed in `problems` and replaced by its empty value.
 */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): NotifierSettings {
  const defaultParameter = env[NOTIFIER_ENV.webhookParameter]?.trim();
  if (!defaultParameter) throw new SettingsError(`${NOTIFIER_ENV.webhookParameter} is not set`);
  const problems: string[] = [];
  const lenient = <T>(name: string, raw: string | undefined, schema: z.ZodMiniType<T>, empty: T): T => {
    try {
      return parseJson(name, raw, schema, empty);
    } catch (err) {
      problems.push(err instanceof SettingsError ? err.message : `${name} could not be read`);
      return empty;
    }
  };
  const routes = lenient(NOTIFIER_ENV.webhookRoutes, env[NOTIFIER_ENV.webhookRoutes], RoutesSchema, []);
  const routingProblem = problems[0];
  const accountNames = lenient(NOTIFIER_ENV.accountNames, env[NOTIFIER_ENV.accountNames], AccountNamesSchema, {});
  return {
    defaultParameter,
    routes,
    accountNames,
    ...(problems.length > 0 ? { problems } : {}),
    ...(routingProblem ? { routingProblem } : {}),
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
