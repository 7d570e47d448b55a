import type { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { errorReason } from "./errors";

/** Resolves an SSM parameter name to the webhook URL it holds; `forceFetch` skips the cache (after a rotation). */
export type WebhookResolver = (parameterName: string, options?: { readonly forceFetch?: boolean }) => Promise<string>;

/** Timeouts for the SSM client; the SDK's default has none, so a hung endpoint would hold the invocation until Lambda's timeout. */
export interface SsmTimeouts {
  /** TCP/TLS connection setup. @default 1000 */
  readonly connectionTimeoutMs?: number;
  /** Socket idle time waiting for the answer. @default 2000 */
  readonly requestTimeoutMs?: number;
  /** SDK attempts in total. @default 2 */
  readonly maxAttempts?: number;
}

/** A webhook parameter that could not be read; the message names the parameter and the SDK error, never a value. */
export class WebhookParameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookParameterError";
  }
}

/**
 * Reads webhook URLs from SSM SecureString parameters through Powertools Parameters, which caches
 * each value for `maxAgeSeconds` across warm invocations. Imported lazily so that loading the
 * bundle never loads the AWS SDK (the Node.js 22 runtime provides it; local tools may not).
 *
 * The client gets connection and request timeouts and two attempts, so an SSM endpoint that never
 * answers fails within about 2 x 2 s (plus the SDK's backoff) with a `TimeoutError` instead of a
 * Lambda timeout. The
 * SDK builds its Node HTTP handler from these options (`NodeHttpHandler.create`), so the bundle
 * needs no `@smithy` import.
 * IAM: ssm:GetParameter on the parameters, and kms:Decrypt via SSM on their key.
 * https://docs.powertools.aws.dev/lambda/typescript/latest/features/parameters/#bring-your-own-aws-sdk-v3-client
 * https://github.com/aws/aws-sdk-js-v3/blob/main/supplemental-docs/CLIENTS.md#request-handler-requesthandler
 * (requestHandler given as options: SDK v3.521.0 and later; the Node.js 22 runtime's SDK is newer)
 */
export function ssmWebhookResolver(maxAgeSeconds = 300, timeouts: SsmTimeouts = {}): WebhookResolver {
  let provider: Promise<SSMProvider> | undefined;
  const load = async () => {
    const { SSMProvider } = await import("@aws-lambda-powertools/parameters/ssm");
    return new SSMProvider({
      clientConfig: {
        maxAttempts: timeouts.maxAttempts ?? 2,
        requestHandler: {
          connectionTimeout: timeouts.connectionTimeoutMs ?? 1000,
          requestTimeout: timeouts.requestTimeoutMs ?? 2000,
          // Recent @smithy/node-http-handler only warns on requestTimeout unless this is set; older
          // ones (as the Lambda runtime may ship) treat requestTimeout as a socket idle timeout and throw.
          throwOnRequestTimeout: true,
          socketTimeout: timeouts.requestTimeoutMs ?? 2000,
        },
      },
    });
  };
  return async (parameterName, options = {}) => {
    // A failed load (no SDK) is not cached: the next record tries again.
    provider ??= load().catch((err: unknown) => {
      provider = undefined;
      throw err;
    });
    let value: unknown;
    try {
      value = await (await provider).get(parameterName, { decrypt: true, maxAge: maxAgeSeconds, forceFetch: options.forceFetch === true });
    } catch (err) {
      // Powertools wraps SDK errors (GetParameterError); the SDK's own name (ParameterNotFound, TimeoutError) is in `cause`.
      throw new WebhookParameterError(`SSM parameter ${parameterName} could not be read (${errorReason(err)})`);
    }
    // Never echo the value: it is the secret.
    if (typeof value !== "string" || !value.startsWith("https://")) {
      throw new WebhookParameterError(`SSM parameter ${parameterName} does not hold an https webhook URL`);
    }
    return value;
  };
}
