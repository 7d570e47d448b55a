/**
 * Value schemas more than one section uses. Every message says what would fix a failing value,
 * because the message is all a user sees.
 */
import { z } from "zod";
import { SEVERITY_WORDS } from "../../detection/severity";
import { unknownRegionMessage } from "../region-messages";
import { KNOWN_REGIONS } from "../regions";

/** Project and account names: part of stack and AWS names. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$/;
export const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/[\w+=,.@\/-]+$/;
const ACCOUNT_ID = /^\d{12}$/;
const SSM_NAME = /^\/[a-zA-Z0-9_.\-\/]{1,1010}$/;

export const region = z.string().refine((r) => KNOWN_REGIONS.has(r), { error: (issue) => unknownRegionMessage(issue.input) });

const SEVERITY_FIX = "use LOW, MEDIUM, HIGH or CRITICAL, or a number from 1 to 10";
export const severity = z.union([z.enum(SEVERITY_WORDS), z.number().min(1, { error: SEVERITY_FIX }).max(10, { error: SEVERITY_FIX })], {
  error: SEVERITY_FIX,
});

export const accountId = z
  .string({
    error: `use the 12-digit account id as a quoted string, e.g. "111111111111" (unquoted, YAML reads it as a number and drops leading zeros)`,
  })
  .regex(ACCOUNT_ID, { error: `an AWS account id is exactly 12 digits, e.g. "111111111111"` });

export const ssmParameterName = z
  .string()
  .regex(SSM_NAME, {
    error: `use the full SSM parameter name starting with "/", e.g. /threat-alerts/slack-webhook (never the webhook URL itself)`,
  })
  .refine((s) => !/^\/?https?:/i.test(s) && !s.includes("hooks.slack.com"), {
    error: `this looks like a webhook URL: keep the URL in an SSM SecureString and put the parameter's name here`,
  });

/** A refinement's issue at a path relative to the schema it refines. */
export type AddIssue = (path: (string | number)[], message: string) => void;

export const isString = (v: unknown): v is string => typeof v === "string";
