/**
 * Builds the cdktf App for a validated config: one AccountStack per account, and in organization
 * mode the management stack, with the administrator's stack deployed after it.
 */
import { App } from "cdktf";
import type { Config } from "../config/load";
import { names } from "../config/names";
import { organizationRole } from "../config/sections/organization";
import { AccountStack } from "./account-stack";
import { ManagementStack } from "./management-stack";

export interface BuildAppOptions {
  /** @default cdktf's own: `cdktf.out`, or what the cdktf CLI passes */
  readonly outdir?: string;
}

export function buildApp(config: Config, options: BuildAppOptions = {}): App {
  // No cdktf-generated stack traces in the output: they name this machine's paths.
  const app = new App({ outdir: options.outdir, stackTraces: false });
  const org = config.organization;
  const admin = org && config.accounts.find((a) => a.name === org.delegatedAdmin);
  const management =
    org && admin?.id
      ? new ManagementStack(app, names.managementStack(config.project), {
          project: config.project,
          regions: config.regions,
          managementAccount: org.managementAccount,
          adminAccountId: admin.id,
          backend: config.backend,
        })
      : undefined;
  for (const account of config.accounts) {
    const role = org ? organizationRole(org, account.name) : undefined;
    // A member's findings reach the administrator, whose stack alerts on them (docs/organization.md).
    if (role === "member") continue;
    const stack = new AccountStack(app, names.stack(config.project, account.name), {
      config,
      account,
      organization: org && role ? { role, autoEnable: org.autoEnable } : undefined,
    });
    // The organization configuration needs the designation: `cdktf deploy '*'` deploys the
    // management stack first. A stack dependency, not a reference: no remote state between them.
    if (role === "admin" && management) stack.addDependency(management);
  }
  return app;
}
