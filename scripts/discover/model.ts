/** What `npm run discover` found, per account and region; rendered by report.ts. */
import type { Problem } from "./problems";

export interface FoundDetector {
  /** 32 lowercase hex characters. */
  readonly id: string;
  /** GetDetector's status: ENABLED, or DISABLED for a suspended detector. */
  readonly status: string;
  /** The GuardDuty administrator account this account is a member of, if any. */
  readonly administrator?: { readonly accountId: string; readonly relationship?: string };
}

export interface RegionResult {
  readonly region: string;
  /** Empty: no detector (one is created on deploy). Undefined when the region could not be listed. */
  readonly detectors?: readonly FoundDetector[];
  readonly problem?: Problem;
  /** Softer findings that do not stop the listing (e.g. the administrator check was denied). */
  readonly notes: readonly string[];
}

export interface AccountResult {
  /** The `existingDetectors` key: the account's name, or `default` for the credentials' own account. */
  readonly key: string;
  readonly accountId?: string;
  /** The role assumed for this account, when configured. */
  readonly roleArn?: string;
  /** Set when the account could not be reached at all (AssumeRole failed, wrong credentials). */
  readonly problem?: Problem;
  readonly regions: readonly RegionResult[];
}
