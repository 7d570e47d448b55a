/**
 * `cloudtrail`: the log source (an existing trail's log group, or a trail this stack creates)
 * and the metric-filter alarms on it. The parsed section is a union on `createTrail`, so code
 * downstream reads `logGroup` only where it exists.
 */
import { z } from "zod";
import { AllowListError, consoleLoginAllowListPattern } from "../../detection/console-allow-list";
import { LOG_ALARM_NAMES } from "../../detection/log-alarms";
import { isString, region, type AddIssue } from "./common";

const alarmOverride = z.strictObject({
  enabled: z.boolean().optional(),
  threshold: z.number().int().min(1).optional(),
  // Metric-filter metrics are standard resolution: periods are whole minutes.
  periodSec: z
    .number()
    .int()
    .refine((n) => n >= 60 && n % 60 === 0, { error: "use a multiple of 60 seconds (metric-filter metrics are per minute)" })
    .optional(),
  evaluationPeriods: z.number().int().min(1).optional(),
});

const logGroup = z.strictObject({ name: z.string().min(1).max(512), region: region.optional() });

export const cloudtrail = z
  .strictObject({
    logGroup: logGroup.optional(),
    createTrail: z.boolean().default(false),
    consoleLogin: z.strictObject({ allowedIps: z.array(z.string()).default([]) }).optional(),
    cisAlarms: z.enum(["strict", "tuned", "off"], { error: "use strict, tuned or off" }).default("strict"),
    alarms: z.partialRecord(z.enum(LOG_ALARM_NAMES, { error: `use one of ${LOG_ALARM_NAMES.join(", ")}` }), alarmOverride).default({}),
  })
  // Runs even when a field above failed, so one run reports every problem; each check therefore
  // checks the types it relies on.
  .superRefine(
    (ct, ctx) => {
      const issue: AddIssue = (path, message) => ctx.addIssue({ code: "custom", path, message });
      const allowedIps: unknown = ct?.consoleLogin?.allowedIps;
      if (Array.isArray(allowedIps) && allowedIps.every(isString)) {
        // The allow-list's own rules (octet-boundary CIDRs, the 1024-character pattern limit) live
        // with the pattern builder; checked here so they are reported with every other problem.
        try {
          consoleLoginAllowListPattern(allowedIps);
        } catch (err) {
          if (!(err instanceof AllowListError)) throw err;
          for (const i of err.issues) {
            const index = /\[(\d+)\]$/.exec(i.path)?.[1];
            issue(["consoleLogin", "allowedIps", ...(index === undefined ? [] : [Number(index)])], i.message);
          }
        }
      }
      if (ct && typeof ct === "object") {
        if (ct.logGroup && ct.createTrail === true)
          issue(["createTrail"], "use either logGroup (an existing trail's log group) or createTrail: true, not both");
        // A createTrail that is not a boolean has its own problem already.
        if (!ct.logGroup && (ct.createTrail === false || ct.createTrail === undefined))
          issue(["logGroup"], "name the log group of an existing multi-region trail (logGroup: { name: ... }) or set createTrail: true");
      }
    },
    { when: () => true },
  )
  // The checks above leave exactly one source; z.NEVER is unreachable.
  .transform(({ logGroup, createTrail, ...rest }) =>
    createTrail ? { ...rest, createTrail: true as const } : logGroup ? { ...rest, createTrail: false as const, logGroup } : z.NEVER,
  );

/** The parsed section: `createTrail: true`, or `createTrail: false` with the existing `logGroup`. */
export type CloudTrailConfig = z.output<typeof cloudtrail>;
