/**
 * Lists every configured account's GuardDuty detectors in every configured region: the
 * credentials' own account directly, the others through their `assumeRoleArn`.
 */
import type { Config } from "../../config/load";
import { DEFAULT_ACCOUNT_KEY } from "../../config/schema";
import { assumeRole, baseIdentity, regionDetectors, type BaseIdentity, type Credentials } from "./aws";
import type { AccountResult } from "./model";
import { describeError } from "./problems";

export interface Discovery {
  readonly base: BaseIdentity;
  readonly accounts: readonly AccountResult[];
}

/** Throws when the base credentials are missing or refused (nothing else can be queried then). */
export async function discover(config: Pick<Config, "homeRegion" | "regions" | "accounts">): Promise<Discovery> {
  const base = await baseIdentity(config.homeRegion);
  const accounts = await Promise.all(
    config.accounts.map(async (account): Promise<AccountResult> => {
      const key = account.name ?? DEFAULT_ACCOUNT_KEY;
      const accountId = account.id ?? base.accountId;
      const roleArn = account.assumeRoleArn;
      let credentials: Credentials = base.credentials;
      if (roleArn) {
        try {
          credentials = await assumeRole(base.credentials, config.homeRegion, roleArn);
        } catch (err) {
          const p = describeError(err, false);
          return { key, accountId, roleArn, problem: { kind: p.kind, message: `cannot assume ${roleArn}: ${p.message}` }, regions: [] };
        }
      } else if (accountId !== base.accountId) {
        // Listing with the wrong account's credentials would print that account's detectors.
        return {
          key,
          accountId,
          problem: {
            kind: "failed",
            message: `the credentials are for account ${base.accountId}, not ${accountId}: add assumeRoleArn for this account, or run with credentials for ${accountId}`,
          },
          regions: [],
        };
      }
      const regions = await Promise.all(config.regions.map((region) => regionDetectors(credentials, region)));
      return { key, accountId, roleArn, regions };
    }),
  );
  return { base, accounts };
}
