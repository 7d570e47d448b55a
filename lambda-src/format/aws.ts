import { escapeText } from "./blocks";

export type Partition = "aws" | "aws-cn" | "aws-us-gov";

/**
 * Console hosts per partition. China and GovCloud have their own consoles:
 * https://docs.amazonaws.cn/en_us/aws/latest/userguide/endpoints-Beijing.html,
 * https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/using-govcloud-endpoints.html
 */
const CONSOLE_HOSTS: Record<Partition, string> = {
  aws: "https://console.aws.amazon.com",
  "aws-cn": "https://console.amazonaws.cn",
  "aws-us-gov": "https://console.amazonaws-us-gov.com",
};

const REGION = /^(?:[a-z]{2}|us-gov|us-iso[a-z]?)-[a-z]+-\d{1,2}$/;

/** A region code safe to put in a URL, or undefined (event values are untrusted). */
export function regionCode(value: unknown): string | undefined {
  return typeof value === "string" && REGION.test(value) ? value : undefined;
}

/** Partition from an explicit value, an ARN, or the region's prefix; `aws` when nothing says otherwise. */
export function partitionOf(...hints: unknown[]): Partition {
  for (const hint of hints) {
    if (typeof hint !== "string") continue;
    if (hint === "aws" || hint === "aws-cn" || hint === "aws-us-gov") return hint;
    const arn = /^arn:(aws|aws-cn|aws-us-gov):/.exec(hint);
    if (arn) return arn[1] as Partition;
    if (REGION.test(hint)) {
      if (hint.startsWith("cn-")) return "aws-cn";
      if (hint.startsWith("us-gov-")) return "aws-us-gov";
      return "aws";
    }
  }
  return "aws";
}

/** Region from an ARN (`arn:partition:service:region:…`), if it is a valid region code. */
export function regionFromArn(arn: unknown): string | undefined {
  if (typeof arn !== "string") return undefined;
  return regionCode(arn.split(":")[3]);
}

/**
 * A region-scoped console URL: `<host>/<service>/home?region=<region>#<fragment>`.
 * Returns undefined without a valid region, so a hostile region can never shape the link.
 */
export function consoleUrl(partition: Partition, region: string | undefined, service: string, fragment: string): string | undefined {
  const r = regionCode(region);
  if (r === undefined) return undefined;
  return `${CONSOLE_HOSTS[partition]}/${service}/home?region=${r}#${fragment}`;
}

/** 12-digit account ids only; anything else is shown as given but never looked up. */
export function accountLabel(accountId: unknown, accountNames: Readonly<Record<string, string>>): string {
  if (typeof accountId !== "string" || accountId === "") return "";
  const name = Object.prototype.hasOwnProperty.call(accountNames, accountId) ? accountNames[accountId] : undefined;
  return name ? `${escapeText(accountId)} (${escapeText(name)})` : escapeText(accountId);
}
