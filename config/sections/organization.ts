/**
 * `organization`: GuardDuty for every account of an AWS Organizations organization through a
 * delegated administrator (docs/organization.md).
 *
 * The management account designates the administrator in every region (a stack of its own); the
 * administrator's stack sets the organization configuration and carries every alert, because the
 * administrator receives every member's findings. Members get no stack unless listed in
 * `memberStacks`.
 */
import { z } from "zod";
import { closest, distance } from "fastest-levenshtein";
import { accountId, isString as str, ROLE_ARN, type AddIssue } from "./common";

/**
 * Which member accounts GuardDuty enables (UpdateOrganizationConfiguration's
 * autoEnableOrganizationMembers): ALL existing and new members, NEW members only, or NONE.
 * https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateOrganizationConfiguration.html
 */
export const AUTO_ENABLE = ["ALL", "NEW", "NONE"] as const;
export type AutoEnable = (typeof AUTO_ENABLE)[number];

/** The stack suffix of the management stack: `<project>-org-management`. An account may not use it as its name. */
export const MANAGEMENT_STACK_SUFFIX = "org-management";

const autoEnable = z.enum(AUTO_ENABLE, {
  error: (issue) => {
    const input = String(issue.input);
    const near = closest(input.toUpperCase(), [...AUTO_ENABLE]);
    const hint = distance(input.toUpperCase(), near) <= 2 ? `did you mean ${near}? ` : "";
    return `"${input}" is not an auto-enable setting; ${hint}use ALL (every member, existing and new), NEW (accounts that join from now on) or NONE`;
  },
});

export const organizationSchema = z.strictObject({
  /** The organization's management account: it designates the delegated administrator, nothing else. */
  managementAccount: z.strictObject({
    id: accountId,
    assumeRoleArn: z
      .string()
      .regex(ROLE_ARN, { error: "use an IAM role ARN like arn:aws:iam::999999999999:role/ThreatAlertsDeploy" })
      .optional(),
  }),
  /** The name of the `accounts[]` entry that administers GuardDuty and receives every member's findings. */
  delegatedAdmin: z.string({ error: "required: the name of the accounts[] entry that administers GuardDuty, e.g. security" }),
  autoEnable: autoEnable.default("ALL"),
  /** Names of member accounts that keep a notification stack of their own (default: none). */
  memberStacks: z.array(z.string()).default([]),
});

export type OrganizationConfig = z.output<typeof organizationSchema>;

/** The slice of the whole config the cross-section rules read; any field may be malformed. */
interface RawConfig {
  readonly organization?: unknown;
  readonly accounts?: unknown;
  readonly guardduty?: { readonly existingDetectors?: unknown };
}

/**
 * Rules between `organization` and `accounts`, reported with every other problem. Each reads
 * only what it can rely on, because a field above may already have failed.
 */
export function checkOrganization(c: RawConfig, issue: AddIssue): void {
  const org = c.organization as Partial<Record<keyof OrganizationConfig, unknown>> | undefined;
  if (!org || typeof org !== "object") return;
  const accounts: Array<{ name?: unknown; id?: unknown }> = Array.isArray(c.accounts) ? c.accounts : [];
  const names = accounts.map((a) => a?.name).filter(str);
  const management = org.managementAccount as { id?: unknown; assumeRoleArn?: unknown } | undefined;
  const managementId = str(management?.id) ? management.id : undefined;

  if (!Array.isArray(c.accounts)) {
    issue(
      ["accounts"],
      "organization mode needs accounts: list the delegated administrator (and any member you want named in alerts) with name and id",
    );
  }

  const roleAccount = str(management?.assumeRoleArn) ? ROLE_ARN.exec(management.assumeRoleArn)?.[2] : undefined;
  if (roleAccount && managementId && roleAccount !== managementId) {
    issue(
      ["organization", "managementAccount", "assumeRoleArn"],
      `the role is in account ${roleAccount} but the management account is ${managementId}; use a role in the management account`,
    );
  }

  let admin: { name?: unknown; id?: unknown } | undefined;
  if (str(org.delegatedAdmin) && Array.isArray(c.accounts)) {
    admin = accounts.find((a) => a?.name === org.delegatedAdmin);
    if (!admin) {
      const near = names.length > 0 ? closest(org.delegatedAdmin, names) : undefined;
      const hint = near && distance(org.delegatedAdmin, near) <= 2 ? `did you mean "${near}"? ` : "";
      issue(
        ["organization", "delegatedAdmin"],
        `"${org.delegatedAdmin}" is not the name of an accounts[] entry; ${hint}${
          names.length > 0 ? `use one of ${names.join(", ")}, or add the administrator account to accounts` : "add it to accounts"
        }`,
      );
    } else if (managementId && admin.id === managementId) {
      issue(
        ["organization", "delegatedAdmin"],
        `"${org.delegatedAdmin}" is the management account (${managementId}); AWS advises against administering GuardDuty from it (least privilege): designate another account, e.g. a security-tooling account`,
      );
    }
  }

  const memberStacks: unknown[] = Array.isArray(org.memberStacks) ? org.memberStacks : [];
  memberStacks.forEach((name, i) => {
    if (!str(name)) return;
    const path = ["organization", "memberStacks", i];
    const account = accounts.find((a) => a?.name === name);
    if (!account) issue(path, `"${name}" is not the name of an accounts[] entry; use one of ${names.join(", ") || "the account names"}`);
    else if (name === org.delegatedAdmin)
      issue(path, `"${name}" is the delegated administrator, which always has its stack; remove it here`);
    else if (managementId && account.id === managementId)
      issue(
        path,
        `"${name}" is the management account (${managementId}): its only stack is the management stack, which designates the administrator; remove it here (the administrator's stack alerts on its findings)`,
      );
  });

  const existing = c.guardduty?.existingDetectors;
  if (existing && typeof existing === "object" && str(org.delegatedAdmin)) {
    for (const name of Object.keys(existing)) {
      if (name !== org.delegatedAdmin && names.includes(name))
        issue(
          ["guardduty", "existingDetectors", name],
          `"${name}" is a member in organization mode: the organization enables and configures its detector, so this stack adopts none; remove it (only the administrator, ${org.delegatedAdmin}, adopts)`,
        );
    }
  }

  accounts.forEach((a, i) => {
    if (a?.name === MANAGEMENT_STACK_SUFFIX)
      issue(
        ["accounts", i, "name"],
        `"${MANAGEMENT_STACK_SUFFIX}" is the management stack's name in organization mode; rename this account`,
      );
  });
}

/** What a listed account gets in organization mode. */
export type OrganizationRole = "admin" | "member" | "member-with-stack";

export function organizationRole(org: OrganizationConfig, accountName: string | undefined): OrganizationRole {
  if (accountName === org.delegatedAdmin) return "admin";
  return accountName !== undefined && org.memberStacks.includes(accountName) ? "member-with-stack" : "member";
}
