/** Resolves an SSM parameter name to the webhook URL it holds. */
export type WebhookResolver = (parameterName: string) => Promise<string>;

/**
 * Reads webhook URLs from SSM SecureString parameters through Powertools Parameters, which caches
 * each value for `maxAgeSeconds` across warm invocations. Imported lazily so that loading the
 * bundle never loads the AWS SDK (the Node.js 22 runtime provides it; local tools may not).
 * IAM: ssm:GetParameter on the parameters, and kms:Decrypt via SSM on their key.
 * https://docs.powertools.aws.dev/lambda/typescript/latest/features/parameters/
 */
export function ssmWebhookResolver(maxAgeSeconds = 300): WebhookResolver {
  return async (parameterName) => {
    const { getParameter } = await import("@aws-lambda-powertools/parameters/ssm");
    const value = await getParameter(parameterName, { decrypt: true, maxAge: maxAgeSeconds });
    // Never echo the value: it is the secret.
    if (typeof value !== "string" || !value.startsWith("https://")) {
      throw new Error(`SSM parameter ${parameterName} does not hold an https webhook URL`);
    }
    return value;
  };
}
