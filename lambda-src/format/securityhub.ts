import type { Envelope, Origin } from "../parse";
import type { AsffFinding } from "../schemas/securityhub";
import { accountLabel, consoleUrl, partitionOf, regionCode } from "./aws";
import type { KnownBlock } from "@slack/types";
import {
  blockTextLength,
  code,
  context,
  escapeText,
  fieldsSections,
  header,
  linkButton,
  message,
  safe,
  section,
  TRUNCATION_MARKER,
} from "./blocks";
import type { FormatOptions, Formatted } from "./types";

/** ASFF labels mapped onto GuardDuty's scale for routing. https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html#Severity */
const LABEL_SEVERITY: Record<string, number> = { CRITICAL: 9, HIGH: 7, MEDIUM: 4, LOW: 1, INFORMATIONAL: 0 };

const LABEL_EMOJI: Record<string, string> = {
  CRITICAL: ":red_circle:",
  HIGH: ":large_orange_circle:",
  MEDIUM: ":large_yellow_circle:",
  LOW: ":large_blue_circle:",
  INFORMATIONAL: ":white_circle:",
};

/** Blocks per finding are 2-3; this keeps the message well under Slack's 50 blocks. */
const MAX_FINDINGS = 10;
/** Text of the findings shown, under the message's 10,000-character cap with room for the header. */
const FINDINGS_TEXT_BUDGET = 8500;

function labelOf(f: AsffFinding): string {
  const label = f.Severity?.Label?.toUpperCase();
  if (label && label in LABEL_SEVERITY) return label;
  const n = f.Severity?.Normalized;
  if (n === undefined) return "UNKNOWN";
  if (n >= 90) return "CRITICAL";
  if (n >= 70) return "HIGH";
  if (n >= 40) return "MEDIUM";
  if (n >= 1) return "LOW";
  return "INFORMATIONAL";
}

function productOf(f: AsffFinding): string | undefined {
  if (f.ProductName) return f.CompanyName && f.CompanyName !== "AWS" ? `${f.CompanyName} ${f.ProductName}` : f.ProductName;
  return f.ProductArn?.split("/").slice(-1)[0];
}

/**
 * Console link to one finding: the findings page filtered on `Id EQUALS <id>`, the filter itself
 * URL-encoded inside the fragment (hence the double encoding).
 */
function findingUrl(f: AsffFinding, envelope: Envelope, origin: Origin): string | undefined {
  if (!f.Id) return undefined;
  const region = regionCode(f.Region) ?? regionCode(envelope.region);
  const partition = partitionOf(f.Id, f.ProductArn, region, origin.topicArn);
  const id = encodeURIComponent(encodeURIComponent(f.Id));
  return consoleUrl(partition, region, "securityhub", `/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A${id}`);
}

function findingBlocks(f: AsffFinding, envelope: Envelope, origin: Origin, accountNames: FormatOptions["accountNames"], index: number) {
  const label = labelOf(f);
  const resources = (f.Resources ?? [])
    .slice(0, 5)
    .map((r) => `${escapeText(r.Type ?? "?")} ${code(r.Id ?? "?")}`)
    .concat((f.Resources?.length ?? 0) > 5 ? [`… ${(f.Resources?.length ?? 0) - 5} more resources`] : [])
    .join("\n");
  return [
    section(
      `${LABEL_EMOJI[label] ?? ":white_circle:"} *${escapeText(label)}* — *${safe(f.Title, 500)}*${
        f.Description ? `\n${safe(f.Description, 1500)}` : ""
      }`,
    ),
    ...fieldsSections([
      { label: "Product", value: productOf(f) },
      { label: "Account", value: accountLabel(f.AwsAccountId ?? envelope.account, accountNames), trusted: true },
      { label: "Region", value: f.Region ?? envelope.region },
      { label: "Workflow", value: f.Workflow?.Status ?? f.WorkflowState },
      { label: "Compliance", value: f.Compliance?.Status },
      { label: "Resources", value: resources, trusted: true },
    ]),
    linkButton("Open finding in Security Hub", findingUrl(f, envelope, origin), `open-securityhub-finding-${index}`),
  ];
}

export function formatSecurityHub(
  findings: readonly AsffFinding[],
  unparsed: number,
  envelope: Envelope,
  origin: Origin,
  { accountNames }: FormatOptions,
): Formatted {
  const shown = findings.slice(0, MAX_FINDINGS);
  const severity = Math.max(
    0,
    ...findings.map((f) => {
      const n = f.Severity?.Normalized;
      return n !== undefined && Number.isFinite(n) ? n / 10 : (LABEL_SEVERITY[labelOf(f)] ?? 0);
    }),
  );
  const first = findings[0];
  const firstLabel = labelOf(first);
  const title =
    findings.length === 1
      ? `${LABEL_EMOJI[firstLabel] ?? ":white_circle:"} Security Hub ${firstLabel}: ${first.Title}`
      : `:shield: Security Hub: ${findings.length} findings`;
  // Whole findings, while they fit in the message's text budget; the rest are counted, not cut.
  const findingBlockList: KnownBlock[] = [];
  let used = 0;
  let included = 0;
  for (const [i, f] of shown.entries()) {
    const blocks: KnownBlock[] = findingBlocks(f, envelope, origin, accountNames, i).filter((b) => b !== undefined);
    const size = blocks.reduce((n, b) => n + blockTextLength(b), 0);
    if (included > 0 && used + size > FINDINGS_TEXT_BUDGET) break;
    findingBlockList.push(...blocks);
    used += size;
    included++;
  }
  const left = findings.length - included + unparsed;
  const blocks = [
    header(title),
    ...findingBlockList,
    left > 0 ? context(`${TRUNCATION_MARKER}: ${left} more finding(s) not shown`) : undefined,
  ];
  const fallback =
    findings.length === 1
      ? `Security Hub ${escapeText(firstLabel)}: ${safe(first.Title, 200)}`
      : `Security Hub: ${findings.length} findings, first ${escapeText(firstLabel)}: ${safe(first.Title, 200)}`;
  return { kind: "securityhub", severity, message: message(fallback, blocks) };
}
