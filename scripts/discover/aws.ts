/**
 * The AWS calls of `npm run discover`: who the credentials are, AssumeRole into each account's
 * role, and each region's GuardDuty detectors. Endpoints follow the SDK's usual settings, so
 * `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL_GUARDDUTY` point them elsewhere (the tests do).
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import {
  GetAdministratorAccountCommand,
  GetDetectorCommand,
  GuardDutyClient,
  paginateListDetectors,
  type GuardDutyClientConfig,
} from "@aws-sdk/client-guardduty";
import type { FoundDetector, RegionResult } from "./model";
import { describeError } from "./problems";

/** Static credentials, or a provider the SDK calls (and refreshes) itself. */
export type Credentials = NonNullable<GuardDutyClientConfig["credentials"]>;

export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Fail within seconds on an endpoint that does not answer, instead of hanging. */
const CLIENT_OPTIONS = { requestHandler: { connectionTimeout: 5_000, requestTimeout: 20_000 }, maxAttempts: 3 } as const;

export interface BaseIdentity {
  /** The default credential chain's provider, resolved once and shared by every client. */
  readonly credentials: Credentials;
  readonly accountId: string;
  readonly arn: string;
}

/**
 * Resolves the default credential chain (environment, profile, SSO, container or instance role)
 * and asks STS whose they are. STS is called in `region` (the config's homeRegion): regional STS
 * tokens are valid in every enabled region, opt-in regions included.
 */
export async function baseIdentity(region: string): Promise<BaseIdentity> {
  const sts = new STSClient({ region, ...CLIENT_OPTIONS });
  try {
    const who = await sts.send(new GetCallerIdentityCommand({}));
    return { credentials: sts.config.credentials, accountId: who.Account ?? "", arn: who.Arn ?? "" };
  } finally {
    sts.destroy();
  }
}

/** Temporary credentials of `roleArn` (15 minutes, the shortest AssumeRole allows). */
export async function assumeRole(base: Credentials, region: string, roleArn: string): Promise<StaticCredentials> {
  const sts = new STSClient({ region, credentials: base, ...CLIENT_OPTIONS });
  try {
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "threat-alerts-discover", DurationSeconds: 900 }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error("AssumeRole returned no credentials");
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  } finally {
    sts.destroy();
  }
}

/**
 * A region's detectors (GuardDuty allows one per account and region), each with its status and
 * the administrator account when this account is a GuardDuty member. Never throws: a failure is
 * the region's `problem`.
 */
export async function regionDetectors(credentials: Credentials, region: string): Promise<RegionResult> {
  const gd = new GuardDutyClient({ region, credentials, ...CLIENT_OPTIONS });
  const notes: string[] = [];
  try {
    const ids: string[] = [];
    for await (const page of paginateListDetectors({ client: gd }, {})) ids.push(...(page.DetectorIds ?? []));
    const detectors: FoundDetector[] = [];
    for (const id of ids) {
      const detector = await gd.send(new GetDetectorCommand({ DetectorId: id }));
      let administrator: FoundDetector["administrator"];
      try {
        // Empty for a standalone account and for the administrator itself.
        // https://docs.aws.amazon.com/guardduty/latest/APIReference/API_GetAdministratorAccount.html
        const admin = await gd.send(new GetAdministratorAccountCommand({ DetectorId: id }));
        if (admin.Administrator?.AccountId)
          administrator = { accountId: admin.Administrator.AccountId, relationship: admin.Administrator.RelationshipStatus };
      } catch (err) {
        notes.push(`could not check for a GuardDuty administrator account (${describeError(err).message})`);
      }
      detectors.push({ id, status: detector.Status ?? "UNKNOWN", administrator });
    }
    return { region, detectors, notes };
  } catch (err) {
    return { region, problem: describeError(err), notes };
  } finally {
    gd.destroy();
  }
}
