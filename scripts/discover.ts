/**
 * `npm run discover`: lists the GuardDuty detectors that already exist in every configured
 * account and region, and prints the `guardduty.existingDetectors` YAML that adopts them.
 *
 *   npm run discover                                  # the report on stderr, the YAML on stdout
 *   THREAT_ALERTS_CONFIG=prod.yaml npm run -s discover > detectors.yaml
 *
 * Uses the usual AWS credential chain (environment, AWS_PROFILE, SSO, instance role) and each
 * account's `assumeRoleArn`; calls only read-only APIs (sts:GetCallerIdentity, sts:AssumeRole,
 * guardduty:ListDetectors, GetDetector, GetAdministratorAccount). Exit 1 when the config is
 * invalid, there are no usable credentials, or an account or region could not be listed (a
 * region that is not enabled in the account is reported, not a failure).
 */
import { configPathFromEnv, ConfigError, loadConfigFile, type Config } from "../config/load";
import { discover } from "./discover/discover";
import { describeError } from "./discover/problems";
import { adoptable, failures, renderReport, renderYaml } from "./discover/report";

// The SDK's notice that its releases after January 2027 need Node 22 is for this repository's
// maintainers (the SDK version is pinned), not for the user of this command; it would turn the
// one-line answers below into ten lines.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const say = (line: string): void => void process.stderr.write(`${line}\n`);

const CREDENTIALS_HINT =
  "log in (aws sso login --profile <name>, then AWS_PROFILE=<name>) or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; nothing was queried";

async function main(): Promise<number> {
  const file = configPathFromEnv();
  let config: Config;
  try {
    config = loadConfigFile(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      say(`threat-alerts: invalid config ${err.message}`);
      return 1;
    }
    throw err;
  }
  let found;
  try {
    found = await discover(config);
  } catch (err) {
    const p = describeError(err, false);
    const hint =
      p.kind === "no-credentials"
        ? CREDENTIALS_HINT
        : p.kind === "unreachable"
          ? "check the network (and AWS_ENDPOINT_URL_STS if set)"
          : "check AWS_PROFILE or the exported keys, log in again if they have expired";
    say(`threat-alerts discover: ${p.message}; ${hint}`);
    return 1;
  }
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
  say(`threat-alerts discover: config ${file}: ${n(config.accounts.length, "account")} x ${n(config.regions.length, "region")}`);
  say(`credentials: ${found.base.arn} (account ${found.base.accountId})\n`);
  const manageDetector = config.guardduty.manageDetector !== false;
  for (const line of renderReport(found.accounts, manageDetector, config.guardduty.existingDetectors)) say(line);
  const failed = failures(found.accounts);
  const toPaste = manageDetector && adoptable(found.accounts).size > 0;
  if (failed.length > 0) say(`\nincomplete: not listed: ${failed.join(", ")}${toPaste ? "; the YAML below covers the rest" : ""}\n`);
  else if (toPaste) say(`\nadd this to ${file} (merge it into an existing guardduty: section):\n`);
  else say("");
  process.stdout.write(renderYaml(found.accounts, manageDetector));
  return failed.length > 0 ? 1 : 0;
}

main().then((code) => {
  process.exitCode = code;
});
