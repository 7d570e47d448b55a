/**
 * AWS commercial-partition regions.
 *
 * `DEFAULT_REGIONS` are the 17 regions every account has enabled from the start; `regions: all`
 * means these. Opt-in regions are accepted by name once the account has enabled them.
 * https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
 */
export const DEFAULT_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ap-south-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
  "ca-central-1",
  "eu-central-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-north-1",
  "sa-east-1",
] as const;

export const OPT_IN_REGIONS = [
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-south-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ca-west-1",
  "eu-central-2",
  "eu-south-1",
  "eu-south-2",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
] as const;

export const KNOWN_REGIONS: ReadonlySet<string> = new Set<string>([...DEFAULT_REGIONS, ...OPT_IN_REGIONS]);

const OPT_IN: ReadonlySet<string> = new Set<string>(OPT_IN_REGIONS);

/** True for a region an account must enable before use (launched after 20 March 2019). */
export function isOptInRegion(region: string): boolean {
  return OPT_IN.has(region);
}

/**
 * How SNS in `topicRegion` may invoke a Lambda function in `functionRegion`: the service principal
 * for the function's resource policy, or why AWS does not deliver at all.
 *
 * SNS developer guide, "Prerequisites for integrating Amazon SNS with Lambda functions across
 * regions": from an opt-in region to a default region the principal is
 * `sns.<opt-in-region>.amazonaws.com`; delivery from a default region to an opt-in region, and
 * between two opt-in regions, is not supported. https://docs.aws.amazon.com/sns/latest/dg/lambda-prereq.html
 */
export function snsToLambda(topicRegion: string, functionRegion: string): { principal: string } | { unsupported: string } {
  if (topicRegion === functionRegion) return { principal: "sns.amazonaws.com" };
  const fromOptIn = isOptInRegion(topicRegion);
  const toOptIn = isOptInRegion(functionRegion);
  if (toOptIn)
    return {
      unsupported: fromOptIn
        ? `SNS does not deliver between two opt-in regions (${topicRegion} to ${functionRegion})`
        : `SNS does not deliver from a default region to a Lambda function in an opt-in region (${topicRegion} to ${functionRegion})`,
    };
  return { principal: fromOptIn ? `sns.${topicRegion}.amazonaws.com` : "sns.amazonaws.com" };
}

/**
 * Regions whose SNS topics AWS Chatbot (Amazon Q Developer in chat applications) can serve: the 17
 * default regions and the opt-in regions its admin guide lists (not ap-east-2 or ap-southeast-6).
 * https://docs.aws.amazon.com/chatbot/latest/adminguide/chatbot-regions.html
 */
export const CHATBOT_TOPIC_REGIONS: ReadonlySet<string> = new Set<string>([
  ...DEFAULT_REGIONS,
  "af-south-1",
  "ap-east-1",
  "ap-south-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-7",
  "ca-west-1",
  "eu-central-2",
  "eu-south-1",
  "eu-south-2",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
]);

/** `us-east-1` -> `us_east_1`: a stable Terraform provider alias and construct id. */
export function regionAlias(region: string): string {
  return region.replace(/-/g, "_");
}

/**
 * AWS Chatbot's API exists only in these regions; a configuration made in one serves every region.
 * https://docs.aws.amazon.com/chatbot/latest/APIReference/Welcome.html
 */
export const CHATBOT_API_REGIONS = ["us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1"] as const;

/** The Chatbot API region for a home region: itself if it has the API, else the nearest one. */
export function chatbotApiRegion(homeRegion: string): string {
  if ((CHATBOT_API_REGIONS as readonly string[]).includes(homeRegion)) return homeRegion;
  if (homeRegion.startsWith("us-west") || homeRegion === "ca-west-1") return "us-west-2";
  if (/^(us|ca|sa|mx)-/.test(homeRegion)) return "us-east-2";
  if (/^(eu|me|af|il)-/.test(homeRegion)) return "eu-west-1";
  return "ap-southeast-1";
}
