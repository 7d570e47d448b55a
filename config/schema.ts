/**
 * The config file's schema: the project's public interface. Each section's schema and its own
 * rules live in sections/; the rules that span sections in rules.ts. Every rule says what would
 * fix a failing value, because the message is all a user sees.
 */
import { z } from "zod";
import { crossSectionRules } from "./rules";
import { account } from "./sections/accounts";
import { backend } from "./sections/backend";
import { cloudtrail } from "./sections/cloudtrail";
import { NAME_PATTERN, region } from "./sections/common";
import { guardduty } from "./sections/guardduty";
import { notifications } from "./sections/notifications";
import { awsConfigSection } from "./sections/aws-config";
import { securityHubSection } from "./sections/security-hub";
import { organizationSchema } from "./sections/organization";

export type { AccountConfig } from "./sections/accounts";
export type { BackendConfig } from "./sections/backend";
export type { CloudTrailConfig } from "./sections/cloudtrail";
export { DEFAULT_ACCOUNT_KEY, type FindingPublishingFrequency, type GuardDutyFeatures } from "./sections/guardduty";

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
    awsConfig: awsConfigSection.optional(),
    securityHub: securityHubSection.optional(),
    backend: backend.default({ type: "local" }),
    organization: organizationSchema.optional(),
  })
  // Cross-section rules run even when a field above failed, so one run reports every problem.
  .superRefine(crossSectionRules, { when: () => true });

/** The config with every default applied. */
export type ParsedConfig = z.output<typeof configSchema>;
