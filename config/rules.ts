/**
 * Rules that span sections (or the top-level fields), in one place. A section's own rules live
 * with its schema in sections/. These run even when a field failed its own schema, so one run
 * reports every problem; each rule therefore checks the types it relies on (a section that failed
 * is still its raw YAML value here, one that passed is its parsed value).
 */
import type { z } from "zod";
import { DEFAULT_REGIONS, KNOWN_REGIONS } from "./regions";
import { maxProjectLength, names as derivedNames } from "./names";
import { isString as str, ROLE_ARN, type AddIssue } from "./sections/common";
import { DEFAULT_ACCOUNT_KEY } from "./sections/guardduty";
import { checkAwsConfig } from "./sections/aws-config";
import { checkExportRegions, checkGuardDutySources } from "./sections/guardduty-sources";
import { firstDeployIssues } from "./first-deploy-rules";
import { checkOrganization } from "./sections/organization";

/** The top-level object as the rules see it: any section may still be its raw, invalid value. */
interface Loose {
  readonly project?: unknown;
  readonly homeRegion?: unknown;
  readonly regions?: unknown;
  readonly accounts?: unknown;
  readonly guardduty?: { readonly manageDetector?: unknown; readonly existingDetectors?: unknown };
  readonly cloudtrail?: { readonly logGroup?: { readonly region?: unknown } };
  readonly awsConfig?: unknown;
  readonly notifications?: unknown;
  readonly backend?: { readonly type?: unknown; readonly cloud?: { readonly workspacePrefix?: unknown } };
  readonly organization?: unknown;
}

interface LooseAccount {
  readonly name?: unknown;
  readonly id?: unknown;
  readonly assumeRoleArn?: unknown;
}

export function crossSectionRules(config: unknown, ctx: z.RefinementCtx): void {
  const c = (config ?? {}) as Loose;
  const issue: AddIssue = (path, message) => ctx.addIssue({ code: "custom", path, message });

  const { length: maxLen, rule } = maxProjectLength();
  if (str(c.project) && c.project.length > maxLen) {
    issue(
      ["project"],
      `"${c.project}" is ${c.project.length} characters; at most ${maxLen} fit, because the ${rule.what} "${rule.make("<project>")}" may be at most ${rule.maxLength} characters`,
    );
  }

  // `regions: [all]` is reported on the list; check the rest as if it said `regions: all`.
  const regions: unknown[] =
    c.regions === "all" || (Array.isArray(c.regions) && c.regions.includes("all"))
      ? [...DEFAULT_REGIONS]
      : Array.isArray(c.regions)
        ? c.regions
        : [];
  const seen = new Map<unknown, number>();
  regions.forEach((r, i) => {
    if (seen.has(r)) issue(["regions", i], `"${String(r)}" is listed twice (also regions[${seen.get(r)}]); remove one`);
    else seen.set(r, i);
  });
  if (str(c.homeRegion) && KNOWN_REGIONS.has(c.homeRegion) && regions.length > 0 && !regions.includes(c.homeRegion)) {
    issue(["homeRegion"], `"${c.homeRegion}" is not one of regions; add it to regions or pick one of ${regions.join(", ")}`);
  }

  const accounts: (LooseAccount | undefined)[] = Array.isArray(c.accounts) ? c.accounts : [];
  const names = new Map<string, number>();
  const ids = new Map<string, number>();
  let unnamed: number | undefined;
  accounts.forEach((a, i) => {
    if (a && typeof a === "object" && a.name === undefined) {
      if (unnamed === undefined) unnamed = i;
      else
        issue(
          ["accounts", i, "name"],
          `required: accounts[${unnamed}] has no name and already uses the stack name "${str(c.project) ? c.project : "<project>"}"; name this account (its stack becomes <project>-<name>)`,
        );
    }
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
    if (roleAccount && str(a?.id) && roleAccount !== a.id) {
      issue(["accounts", i, "assumeRoleArn"], `the role is in account ${roleAccount} but id is ${a.id}; use a role in the account itself`);
    }
  });
  if (Array.isArray(c.accounts) && c.accounts.length === 0)
    issue(["accounts"], "list at least one account, or leave accounts out to use the credentials' own account");

  const gd = c.guardduty;
  const existing = gd?.existingDetectors;
  if (existing && typeof existing === "object") {
    // An account without a name is keyed like the credentials' own account: its stack is <project> too.
    const accountNames = Array.isArray(c.accounts)
      ? [...accounts.map((a) => a?.name).filter(str), ...(unnamed === undefined ? [] : [DEFAULT_ACCOUNT_KEY])]
      : [DEFAULT_ACCOUNT_KEY];
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

  checkAwsConfig(c.awsConfig, regions, issue);
  checkGuardDutySources(c.guardduty, c.project, issue);
  checkExportRegions(c.homeRegion, regions, c.guardduty, issue);
  firstDeployIssues(c, regions, issue);

  const b = c.backend;
  if (b?.type === "cloud" && str(b.cloud?.workspacePrefix) && str(c.project)) {
    // Terraform Cloud workspace names are at most 90 characters: prefix + stack name.
    const project = c.project;
    const stacks =
      accounts.length > 0 ? accounts.map((a) => derivedNames.stack(project, str(a?.name) ? a.name : "")) : [derivedNames.stack(project)];
    const longest = stacks.reduce((x, y) => (y.length > x.length ? y : x), "");
    const name = `${b.cloud.workspacePrefix}${longest}`;
    if (name.length > 90)
      issue(
        ["backend", "cloud", "workspacePrefix"],
        `the workspace "${name}" would be ${name.length} characters; Terraform Cloud allows 90: shorten the prefix or the account names`,
      );
  }

  const lgRegion = c.cloudtrail?.logGroup?.region;
  if (str(lgRegion) && KNOWN_REGIONS.has(lgRegion) && regions.length > 0 && !regions.includes(lgRegion)) {
    issue(
      ["cloudtrail", "logGroup", "region"],
      `"${lgRegion}" is not one of regions; alarms publish to that region's topic, so add it to regions`,
    );
  }

  checkOrganization(c, issue);
}
