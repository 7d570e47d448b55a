import type { Envelope, Origin } from "../parse";
import type { ConfigComplianceChange } from "../schemas/config";
import { accountLabel, consoleUrl, partitionOf, regionCode } from "./aws";
import { escapeText, fieldsSections, header, linkButton, message, safe, section } from "./blocks";
import type { FormatOptions, Formatted } from "./types";
import { NORMALIZED_SEVERITY } from "./types";

const COMPLIANCE_EMOJI: Record<string, string> = {
  NON_COMPLIANT: ":x:",
  COMPLIANT: ":white_check_mark:",
  NOT_APPLICABLE: ":heavy_minus_sign:",
  INSUFFICIENT_DATA: ":grey_question:",
};

export function formatConfig(
  change: ConfigComplianceChange,
  envelope: Envelope,
  origin: Origin,
  { accountNames }: FormatOptions,
): Formatted {
  const qualifier = change.newEvaluationResult.evaluationResultIdentifier?.evaluationResultQualifier;
  const resourceType = change.resourceType ?? qualifier?.resourceType;
  const resourceId = change.resourceId ?? qualifier?.resourceId;
  const newCompliance = change.newEvaluationResult.complianceType ?? "UNKNOWN";
  const oldCompliance = change.oldEvaluationResult?.complianceType;
  const region = regionCode(change.awsRegion) ?? regionCode(envelope.region);
  const accountId = change.awsAccountId ?? envelope.account;
  const partition = partitionOf(change.configRuleARN, region, origin.topicArn);
  const url = consoleUrl(partition, region, "config", `/rules/details?configRuleName=${encodeURIComponent(change.configRuleName)}`);
  const emoji = COMPLIANCE_EMOJI[newCompliance] ?? ":grey_question:";
  const annotation = change.newEvaluationResult.annotation;

  const resource = [resourceType, resourceId].filter((p) => p).join(" ");
  const blocks = [
    header(`${emoji} Config ${newCompliance}: ${resource || "resource"}`),
    // The annotation is the rule's own explanation (what is wrong and often the value it found).
    annotation
      ? section(`:memo: *Why:* ${safe(annotation, 2000)}`)
      : newCompliance === "NON_COMPLIANT"
        ? section("_The rule gave no annotation; its description in AWS Config says what it checks._")
        : undefined,
    ...fieldsSections([
      { label: "Rule", value: change.configRuleName },
      { label: "Compliance", value: `${oldCompliance ?? "(first evaluation)"} → ${newCompliance}` },
      { label: "Resource type", value: resourceType },
      { label: "Resource id", value: resourceId },
      { label: "Account", value: accountLabel(accountId, accountNames), trusted: true },
      { label: "Region", value: region ?? change.awsRegion },
    ]),
    linkButton("Open rule in AWS Config", url, "open-config-rule"),
  ];
  const fallback = `Config ${escapeText(newCompliance)}: ${safe(resource, 300)} — rule ${safe(change.configRuleName, 200)}${
    annotation ? `: ${safe(annotation, 300)}` : ""
  }`;
  const severity = newCompliance === "NON_COMPLIANT" ? NORMALIZED_SEVERITY.configNonCompliant : NORMALIZED_SEVERITY.resolved;
  return { kind: "config", severity, message: message(fallback, blocks) };
}
