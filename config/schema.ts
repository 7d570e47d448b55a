/**
 * The config file's schema: the project's public interface, in one place.
 * Every rule says what would fix a failing value, because the message is all a user sees.
 */
import { z } from "zod";
import { DEFAULT_REGIONS, KNOWN_REGIONS } from "./regions";
import { severityFloor, SEVERITY_WORDS, type SeverityWord } from "../detection/severity";
import { maxProjectLength, names as derivedNames } from "./names";
import { AllowListError, consoleLoginAllowListPattern } from "../detection/console-allow-list";
import { LOG_ALARM_NAMES } from "../detection/log-alarms";

/** AWS managed policies that can change the account, or grant themselves the power to: never a guardrail. */
const ADMIN_EQUIVALENT_POLICIES = [
  "AdministratorAccess",
  "PowerUserAccess",
  "IAMFullAccess",
  "AWSOrganizationsFullAccess",
  "AdministratorAccess-Amplify",
];

/** The `guardduty.existingDetectors` key of the credentials' own account (no `accounts`). */
export const DEFAULT_ACCOUNT_KEY = "default";

const NAME_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$/;
const ACCOUNT_ID = /^\d{12}$/;
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/[\w+=,.@\/-]+$/;
const SSM_NAME = /^\/[a-zA-Z0-9_.\-\/]{1,1010}$/;

const region = z.string().refine((r) => KNOWN_REGIONS.has(r), {
  error: (issue) =>
    `"${String(issue.input)}" is not an AWS region name; use a code like us-east-1 or eu-west-1 (regions: all means the 17 default regions)`,
});

const SEVERITY_FIX = "use LOW, MEDIUM, HIGH or CRITICAL, or a number from 1 to 10";
const severity = z.union([z.enum(SEVERITY_WORDS), z.number().min(1, { error: SEVERITY_FIX }).max(10, { error: SEVERITY_FIX })], {
  error: SEVERITY_FIX,
});

const accountId = z
  .string({
    error: `use the 12-digit account id as a quoted string, e.g. "111111111111" (unquoted, YAML reads it as a number and drops leading zeros)`,
  })
  .regex(ACCOUNT_ID, { error: `an AWS account id is exactly 12 digits, e.g. "111111111111"` });

const ssmParameterName = z
  .string()
  .regex(SSM_NAME, {
    error: `use the full SSM parameter name starting with "/", e.g. /threat-alerts/slack-webhook (never the webhook URL itself)`,
  })
  .refine((s) => !/^\/?https?:/i.test(s) && !s.includes("hooks.slack.com"), {
    error: `this looks like a webhook URL: keep the URL in an SSM SecureString and put the parameter's name here`,
  });

const account = z.strictObject({
  name: z
    .string()
    .regex(NAME_PATTERN, { error: "use lowercase letters, digits and dashes, starting with a letter (it is part of the stack name)" }),
  id: accountId,
  assumeRoleArn: z
    .string()
    .regex(ROLE_ARN, { error: "use an IAM role ARN like arn:aws:iam::111111111111:role/ThreatAlertsDeploy" })
    .optional(),
});

const features = z.strictObject({
  s3DataEvents: z.boolean().default(true),
  eksAuditLogs: z.boolean().default(true),
  ebsMalwareProtection: z.boolean().default(true),
  rdsLoginEvents: z.boolean().default(true),
  lambdaNetworkLogs: z.boolean().default(true),
  runtimeMonitoring: z.boolean().default(false),
});

/** GuardDuty detector ids are 32 lowercase hex characters. */
const DETECTOR_ID = /^[0-9a-f]{32}$/;
const detectorId = z.string({ error: "use the detector id as a string of 32 hex characters" }).refine((s) => DETECTOR_ID.test(s), {
  error: (issue) =>
    DETECTOR_ID.test(String(issue.input).toLowerCase())
      ? `GuardDuty detector ids are lower case; write ${String(issue.input).toLowerCase()}`
      : `"${String(issue.input)}" is not a GuardDuty detector id (32 lowercase hex characters, e.g. 6ab0c1d2e3f4a5b6c7d8e9f0a1b2c3d4); list them with aws guardduty list-detectors --region <region>`,
});

const guardduty = z.strictObject({
  /**
   * false: the account already has a detector that someone else manages (an organization's
   * delegated administrator): alert on its findings, but create no detector and set no plans.
   */
  manageDetector: z.boolean().default(true),
  minSeverity: severity.default("HIGH"),
  findingPublishingFrequency: z
    .enum(["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"], { error: "use FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS" })
    .default("FIFTEEN_MINUTES"),
  features: features.default(() => features.parse({})),
  /**
   * Detectors that already exist, to adopt instead of create: account name (or `default` for the
   * credentials' own account) -> region -> detector id. Checked against accounts and regions below.
   */
  existingDetectors: z.record(z.string(), z.record(z.string(), detectorId)).default({}),
});

const chatbot = z.strictObject({
  slackTeamId: z.string().regex(/^T[A-Z0-9]{6,}$/, {
    error:
      "use the Slack workspace (team) id, like T0123ABCD: in Slack, open the workspace menu > Settings; or the AWS Chatbot console shows it after you authorize the workspace",
  }),
  slackChannelId: z.string().refine((s) => /^[CG][A-Z0-9]{6,}$/.test(s), {
    error: (issue) =>
      String(issue.input).startsWith("#")
        ? `"${String(issue.input)}" is a channel name; use the channel id like C0123ABCD (in Slack: channel details > About, at the bottom)`
        : "use the Slack channel id like C0123ABCD (in Slack: channel details > About, at the bottom)",
  }),
  guardrailPolicyArns: z
    .array(
      z
        .string()
        .regex(/^arn:(aws|aws-cn|aws-us-gov):iam::(aws|\d{12}):policy\/[\w+=,.@\/-]+$/, {
          error: "use an IAM policy ARN like arn:aws:iam::aws:policy/ReadOnlyAccess",
        })
        .refine((arn) => !ADMIN_EQUIVALENT_POLICIES.some((p) => arn.endsWith(`:policy/${p}`)), {
          error: (issue) =>
            `${String(issue.input).split("/").pop()} would let anyone in the Slack channel change the account; use a read-only policy such as arn:aws:iam::aws:policy/ReadOnlyAccess`,
        }),
    )
    .default([]),
});

const CONCURRENCY_FIX = "use a whole number from 1 to 100, or false to reserve none";
const slack = z.strictObject({
  webhookParameter: ssmParameterName,
  routes: z.array(z.strictObject({ minSeverity: severity, webhookParameter: ssmParameterName })).default([]),
  /**
   * Concurrent notifier runs, to stay near Slack's one message per second per webhook; false
   * reserves none (Lambda refuses any reservation that leaves an account fewer than 10 unreserved).
   */
  reservedConcurrency: z
    .union([z.number().int().min(1, { error: CONCURRENCY_FIX }).max(100, { error: CONCURRENCY_FIX }), z.literal(false)], {
      error: CONCURRENCY_FIX,
    })
    .default(2),
});

const notifications = z.strictObject({
  emails: z.array(z.email({ error: "use an email address like security@example.com" })).default([]),
  chatbot: chatbot.optional(),
  slack: slack.optional(),
  accountNames: z.record(accountId, z.string().min(1).max(64)).default({}),
});

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

const cloudtrail = z.strictObject({
  logGroup: z.strictObject({ name: z.string().min(1).max(512), region: region.optional() }).optional(),
  createTrail: z.boolean().default(false),
  consoleLogin: z.strictObject({ allowedIps: z.array(z.string()).default([]) }).optional(),
  cisAlarms: z.enum(["strict", "tuned", "off"], { error: "use strict, tuned or off" }).default("strict"),
  alarms: z.partialRecord(z.enum(LOG_ALARM_NAMES, { error: `use one of ${LOG_ALARM_NAMES.join(", ")}` }), alarmOverride).default({}),
});

const backend = z.strictObject({
  type: z.enum(["local", "s3", "cloud"], { error: "use local, s3 or cloud" }).default("local"),
  s3: z
    .strictObject({
      bucket: z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "use an S3 bucket name (3-63 lowercase letters, digits, dots, dashes)" }),
      region,
      keyPrefix: z
        .string()
        .regex(/^[\w.\-\/]*$/)
        .default("threat-alerts"),
      dynamodbTable: z.string().min(3).max(255).optional(),
    })
    .optional(),
  cloud: z
    .strictObject({
      organization: z.string().min(1),
      workspacePrefix: z
        .string()
        .regex(/^[A-Za-z0-9_-]*$/, { error: "use letters, digits, - and _ (Terraform Cloud workspace names)" })
        .default("threat-alerts-"),
      hostname: z.string().min(1).optional(),
    })
    .optional(),
});

export const configSchema = z
  .strictObject({
    project: z
      .string({ error: "required: a short name like acme (lowercase letters, digits, dashes); it prefixes every AWS name" })
      .regex(NAME_PATTERN, { error: "use lowercase letters, digits and dashes, starting with a letter, e.g. acme" }),
    homeRegion: region,
    regions: z.union([z.literal("all"), z.array(region).min(1, { error: "list at least one region, or write regions: all" })], {
      error: "use a list of region codes like [us-east-1, eu-west-1], or all",
    }),
    accounts: z.array(account).optional(),
    guardduty: guardduty.default(() => guardduty.parse({})),
    notifications: notifications.default(() => notifications.parse({})),
    cloudtrail: cloudtrail.optional(),
    backend: backend.default(() => backend.parse({})),
  })
  // Cross-field rules run even when a field above failed, so one run reports every problem;
  // each rule therefore checks the types it relies on.
  .superRefine(
    (c, ctx) => {
      const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
      const str = (v: unknown): v is string => typeof v === "string";

      const { length: maxLen, rule } = maxProjectLength();
      if (str(c.project) && c.project.length > maxLen) {
        issue(
          ["project"],
          `"${c.project}" is ${c.project.length} characters; at most ${maxLen} fit, because the ${rule.what} "${rule.make("<project>")}" may be at most ${rule.maxLength} characters`,
        );
      }

      const regions: unknown[] = c.regions === "all" ? [...DEFAULT_REGIONS] : Array.isArray(c.regions) ? c.regions : [];
      const seen = new Map<unknown, number>();
      regions.forEach((r, i) => {
        if (seen.has(r)) issue(["regions", i], `"${String(r)}" is listed twice (also regions[${seen.get(r)}]); remove one`);
        else seen.set(r, i);
      });
      if (str(c.homeRegion) && KNOWN_REGIONS.has(c.homeRegion) && regions.length > 0 && !regions.includes(c.homeRegion)) {
        issue(["homeRegion"], `"${c.homeRegion}" is not one of regions; add it to regions or pick one of ${regions.join(", ")}`);
      }

      const accounts: Partial<AccountConfig>[] = Array.isArray(c.accounts) ? c.accounts : [];
      const names = new Map<string, number>();
      const ids = new Map<string, number>();
      accounts.forEach((a, i) => {
        if (str(a?.name)) {
          if (names.has(a.name))
            issue(["accounts", i, "name"], `"${a.name}" is used by accounts[${names.get(a.name)}] too; account names must be unique`);
          else names.set(a.name, i);
        }
        if (str(a?.id)) {
          if (ids.has(a.id)) issue(["accounts", i, "id"], `${a.id} is used by accounts[${ids.get(a.id)}] too; give each account one entry`);
          else ids.set(a.id, i);
        }
        const roleAccount = str(a?.assumeRoleArn) ? ROLE_ARN.exec(a.assumeRoleArn)?.[2] : undefined;
        if (roleAccount && str(a.id) && roleAccount !== a.id) {
          issue(
            ["accounts", i, "assumeRoleArn"],
            `the role is in account ${roleAccount} but id is ${a.id}; use a role in the account itself`,
          );
        }
      });
      if (Array.isArray(c.accounts) && c.accounts.length === 0)
        issue(["accounts"], "list at least one account, or leave accounts out to use the credentials' own account");

      const notifications = c.notifications;
      const emails: unknown[] = Array.isArray(notifications?.emails) ? notifications.emails : [];
      const seenEmail = new Map<string, number>();
      emails.forEach((e, i) => {
        if (!str(e)) return;
        const key = e.toLowerCase();
        if (seenEmail.has(key))
          issue(["notifications", "emails", i], `${e} is listed twice (also emails[${seenEmail.get(key)}]); remove one`);
        else seenEmail.set(key, i);
      });
      const routes: Array<{ minSeverity?: unknown }> = Array.isArray(notifications?.slack?.routes) ? notifications.slack.routes : [];
      const seenFloor = new Map<number, number>();
      routes.forEach((r, i) => {
        const floor =
          typeof r?.minSeverity === "number" || str(r?.minSeverity) ? severityFloor(r.minSeverity as SeverityWord | number) : undefined;
        if (floor === undefined || Number.isNaN(floor)) return;
        if (seenFloor.has(floor))
          issue(
            ["notifications", "slack", "routes", i, "minSeverity"],
            `routes[${seenFloor.get(floor)}] already starts at severity ${floor}; give each route its own floor`,
          );
        else seenFloor.set(floor, i);
      });

      const gd = c.guardduty;
      const existing: unknown = gd?.existingDetectors;
      if (existing && typeof existing === "object") {
        const accountNames = Array.isArray(c.accounts) ? accounts.map((a) => a?.name).filter(str) : [DEFAULT_ACCOUNT_KEY];
        for (const [accountKey, byRegion] of Object.entries(existing as Record<string, unknown>)) {
          const path = ["guardduty", "existingDetectors", accountKey];
          if (gd.manageDetector === false) {
            issue(
              path,
              "manageDetector is false, so no detector is managed and none can be adopted; remove existingDetectors, or set manageDetector: true to adopt these detectors",
            );
            continue;
          }
          if (!accountNames.includes(accountKey)) {
            issue(
              path,
              Array.isArray(c.accounts)
                ? `"${accountKey}" is not an account name; use one of ${accountNames.join(", ")}`
                : `"${accountKey}" is not an account name: without accounts, the one stack is the credentials' own account; write ${DEFAULT_ACCOUNT_KEY}`,
            );
          }
          if (!byRegion || typeof byRegion !== "object") continue;
          for (const r of Object.keys(byRegion)) {
            if (regions.length > 0 && !regions.includes(r))
              issue(
                [...path, r],
                KNOWN_REGIONS.has(r)
                  ? `"${r}" is not one of regions; add it to regions or remove this detector`
                  : `"${r}" is not an AWS region name; use one of ${regions.join(", ")}`,
              );
          }
        }
      }

      const b = c.backend;
      if (b && typeof b === "object") {
        if (b.type === "s3" && !b.s3)
          issue(["backend", "s3"], "required when backend.type is s3: add s3: { bucket: my-tfstate, region: us-east-1 }");
        if (b.type === "cloud" && !b.cloud)
          issue(["backend", "cloud"], "required when backend.type is cloud: add cloud: { organization: my-org }");
        if (str(b.type) && b.type !== "s3" && b.s3)
          issue(["backend", "s3"], `backend.type is ${b.type}, so these settings would be ignored; set type: s3 or remove s3`);
        if (str(b.type) && b.type !== "cloud" && b.cloud)
          issue(["backend", "cloud"], `backend.type is ${b.type}, so these settings would be ignored; set type: cloud or remove cloud`);
        if (b.type === "cloud" && str(b.cloud?.workspacePrefix) && str(c.project)) {
          // Terraform Cloud workspace names are at most 90 characters: prefix + stack name.
          const project = c.project;
          const stacks =
            accounts.length > 0
              ? accounts.map((a) => derivedNames.stack(project, str(a?.name) ? a.name : ""))
              : [derivedNames.stack(project)];
          const longest = stacks.reduce((x, y) => (y.length > x.length ? y : x), "");
          const name = `${b.cloud.workspacePrefix}${longest}`;
          if (name.length > 90)
            issue(
              ["backend", "cloud", "workspacePrefix"],
              `the workspace "${name}" would be ${name.length} characters; Terraform Cloud allows 90: shorten the prefix or the account names`,
            );
        }
      }

      const ct = c.cloudtrail;
      const allowedIps: unknown = ct?.consoleLogin?.allowedIps;
      if (Array.isArray(allowedIps) && allowedIps.every(str)) {
        // The allow-list's own rules (octet-boundary CIDRs, the 1024-character pattern limit) live
        // with the pattern builder; checked here so they are reported with every other problem.
        try {
          consoleLoginAllowListPattern(allowedIps);
        } catch (err) {
          if (!(err instanceof AllowListError)) throw err;
          for (const i of err.issues) {
            const index = /\[(\d+)\]$/.exec(i.path)?.[1];
            issue(["cloudtrail", "consoleLogin", "allowedIps", ...(index === undefined ? [] : [Number(index)])], i.message);
          }
        }
      }
      if (ct && typeof ct === "object") {
        if (ct.logGroup && ct.createTrail === true)
          issue(["cloudtrail", "createTrail"], "use either logGroup (an existing trail's log group) or createTrail: true, not both");
        if (!ct.logGroup && ct.createTrail !== true)
          issue(
            ["cloudtrail", "logGroup"],
            "name the log group of an existing multi-region trail (logGroup: { name: ... }) or set createTrail: true",
          );
        const lgRegion = ct.logGroup?.region;
        if (str(lgRegion) && KNOWN_REGIONS.has(lgRegion) && regions.length > 0 && !regions.includes(lgRegion)) {
          issue(
            ["cloudtrail", "logGroup", "region"],
            `"${lgRegion}" is not one of regions; alarms publish to that region's topic, so add it to regions`,
          );
        }
      }
    },
    { when: () => true },
  );

/** The config with every default applied. */
export type ParsedConfig = z.output<typeof configSchema>;
export type AccountConfig = z.output<typeof account>;
export type CloudTrailConfig = z.output<typeof cloudtrail>;
export type BackendConfig = z.output<typeof backend>;
export type GuardDutyFeatures = z.output<typeof features>;
export type FindingPublishingFrequency = z.output<typeof guardduty>["findingPublishingFrequency"];
