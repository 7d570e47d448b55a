import { Logger } from "@aws-lambda-powertools/logger";

/** The function's one logger; `POWERTOOLS_SERVICE_NAME` and `POWERTOOLS_LOG_LEVEL` come from the environment. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "threat-alerts-notifier" });

/** What the handler needs from a logger, so tests can pass a quiet one. */
export type Log = Pick<Logger, "info" | "warn" | "error">;
