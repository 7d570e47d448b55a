/**
 * What the Slack notifier's Terraform side (stacks/constructs/slack-notifier.ts) and the function
 * agree on: the environment variables it is configured with, and their shapes. Both sides import
 * this file, so a renamed variable or a changed route shape fails to compile instead of failing
 * at the first alert.
 */

/** Environment variable names. */
export const NOTIFIER_ENV = {
  /** The SSM SecureString parameter name of the default webhook (never the URL). */
  webhookParameter: "WEBHOOK_PARAMETER",
  /** JSON array of `WebhookRoute`. */
  webhookRoutes: "WEBHOOK_ROUTES",
  /** JSON object: account id -> name shown beside it. */
  accountNames: "ACCOUNT_NAMES",
  /** Powertools Logger's service name. */
  serviceName: "POWERTOOLS_SERVICE_NAME",
  /** Powertools Logger's level. */
  logLevel: "POWERTOOLS_LOG_LEVEL",
} as const;

/** A severity floor and the SSM parameter holding the webhook for messages at or above it. */
export interface WebhookRoute {
  /** Numeric severity floor (GuardDuty's 1-10 scale). */
  readonly minSeverity: number;
  /** SSM SecureString parameter name of that route's webhook. */
  readonly parameter: string;
}

/** What the function is configured with, before encoding. */
export interface NotifierConfiguration {
  readonly webhookParameter: string;
  readonly routes: readonly WebhookRoute[];
  readonly accountNames: Readonly<Record<string, string>>;
}

export const NOTIFIER_SERVICE_NAME = "threat-alerts-notifier";

/** The function's environment for a configuration: what settingsFromEnv (settings.ts) reads back. */
export function notifierEnvironment(c: NotifierConfiguration): Record<string, string> {
  return {
    [NOTIFIER_ENV.webhookParameter]: c.webhookParameter,
    [NOTIFIER_ENV.webhookRoutes]: JSON.stringify(c.routes),
    [NOTIFIER_ENV.accountNames]: JSON.stringify(c.accountNames),
    [NOTIFIER_ENV.serviceName]: NOTIFIER_SERVICE_NAME,
    [NOTIFIER_ENV.logLevel]: "INFO",
  };
}
