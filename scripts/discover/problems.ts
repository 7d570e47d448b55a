/**
 * What went wrong with an AWS call, in words a user can act on. Errors are classified by the SDK's
 * error name (the service's error code) and Node's network error codes.
 */

export type ProblemKind =
  /** The credential chain found nothing (no env keys, profile, SSO session or instance role). */
  | "no-credentials"
  /** STS or the service refused the credentials: expired, revoked or mistyped. */
  | "credentials-refused"
  /** The region answers "security token invalid": it is an opt-in region not enabled in the account. */
  | "region-not-enabled"
  | "access-denied"
  | "unreachable"
  | "failed";

export interface Problem {
  readonly kind: ProblemKind;
  /** One line, no stack trace. */
  readonly message: string;
}

/**
 * A region that is not enabled in the account does not know the account's credentials, so
 * every call there fails as if the token were invalid: UnrecognizedClientException (JSON APIs
 * such as GuardDuty, HTTP 400) or InvalidClientTokenId (query APIs, HTTP 403), e.g.
 * https://github.com/ekristen/aws-nuke/issues/774 (ap-east-1).
 */
const TOKEN_NOT_VALID_HERE = new Set(["UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure"]);
const EXPIRED = new Set(["ExpiredToken", "ExpiredTokenException", "RequestExpired"]);
const DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess"]);
const NETWORK = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH"]);

function firstLine(text: string): string {
  return text.split("\n")[0].trim();
}

/**
 * Classifies an error of a call made in a region. `inRegion` false is for the first call with
 * the base credentials: there an invalid token means bad credentials, not a disabled region.
 */
export function describeError(err: unknown, inRegion = true): Problem {
  const e = (err ?? {}) as { name?: string; code?: string; message?: string; Code?: string };
  const name = e.name ?? "Error";
  const code = e.Code ?? name;
  const message = firstLine(String(e.message ?? err));
  if (name === "CredentialsProviderError" || /Could not load credentials/i.test(message))
    return { kind: "no-credentials", message: "no AWS credentials found" };
  if (EXPIRED.has(code)) return { kind: "credentials-refused", message: `the AWS credentials have expired (${code}); log in again` };
  if (TOKEN_NOT_VALID_HERE.has(code))
    return inRegion
      ? { kind: "region-not-enabled", message: `not enabled in this account (the region refused the credentials: ${code})` }
      : { kind: "credentials-refused", message: `the AWS credentials were refused (${code}: ${message})` };
  if (DENIED.has(code)) return { kind: "access-denied", message: `access denied (${code}: ${message})` };
  const netCode = e.code ?? (err as { cause?: { code?: string } })?.cause?.code;
  if ((netCode && NETWORK.has(netCode)) || name === "TimeoutError")
    return { kind: "unreachable", message: `cannot reach the endpoint (${netCode ?? name}: ${message})` };
  return { kind: "failed", message: `${code}: ${message}` };
}
