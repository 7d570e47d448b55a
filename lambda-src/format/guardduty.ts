import { severityBand } from "../../detection/severity";
import type { Envelope, Origin } from "../parse";
import type { GuardDutyAction, GuardDutyFinding, GuardDutyResource, RemoteIp } from "../schemas/guardduty";
import { accountLabel, consoleUrl, partitionOf } from "./aws";
import { boundedLines, code, context, escapeText, fieldsSections, header, linkButton, message, safe, section, display } from "./blocks";
import { formatAttackSequence, isAttackSequence } from "./attack-sequence";
import type { Field } from "./blocks";
import { LIMITS } from "./blocks";
import type { FormatOptions, Formatted } from "./types";

export type SeverityLabel = "Low" | "Medium" | "High" | "Critical" | "Unknown";

const LABELS = { CRITICAL: "Critical", HIGH: "High", MEDIUM: "Medium", LOW: "Low" } as const;

/** GuardDuty's severity bands (detection/severity.ts). */
export function severityLabel(severity: number): SeverityLabel {
  return Number.isFinite(severity) ? LABELS[severityBand(severity)] : "Unknown";
}

export const SEVERITY_EMOJI: Record<SeverityLabel, string> = {
  Critical: ":red_circle:",
  High: ":large_orange_circle:",
  Medium: ":large_yellow_circle:",
  Low: ":large_blue_circle:",
  Unknown: ":white_circle:",
};

/**
 * Sample findings (CreateSampleFindings) carry `additionalInfo.sample: true`; newer findings move
 * additional info into a JSON string under `value` (`{"value": "{\"sample\":true}", "type": "default"}`).
 */
export function isSample(finding: GuardDutyFinding): boolean {
  const info = finding.service?.additionalInfo;
  if (!info) return false;
  if (info.sample === true || info.sample === "true") return true;
  if (typeof info.value === "string" && info.value.includes("sample")) {
    try {
      const parsed = JSON.parse(info.value) as { sample?: unknown };
      return parsed.sample === true || parsed.sample === "true";
    } catch {
      return false;
    }
  }
  return false;
}

type ResourcePart = "instance" | "accessKey" | "s3" | "eks" | "rds" | "lambda" | "ecs" | "container";

/** Which part describes the resource a `resourceType` names; sample findings fill in the others too. */
const PRIMARY: Record<string, ResourcePart[]> = {
  Instance: ["instance"],
  AccessKey: ["accessKey"],
  S3Bucket: ["s3"],
  S3Object: ["s3"],
  EKSCluster: ["eks"],
  KubernetesCluster: ["eks"],
  RDSDBInstance: ["rds"],
  RDSLimitlessDB: ["rds"],
  Lambda: ["lambda"],
  ECSCluster: ["ecs", "container"],
  Container: ["container", "instance"],
};

const MAX_RESOURCE_LINES = 8;

/** The affected resource as escaped mrkdwn, one line per fact, the `resourceType`'s own details first. */
export function describeResource(resource: GuardDutyResource | undefined, affected?: Readonly<Record<string, unknown>>): string {
  const parts: Record<ResourcePart, string[]> = {
    instance: [],
    accessKey: [],
    s3: [],
    eks: [],
    rds: [],
    lambda: [],
    ecs: [],
    container: [],
  };
  const add = (part: ResourcePart, label: string, value: unknown) => {
    const v = display(value);
    // Labels can carry event data too (the principal's type), so they are escaped as well.
    if (v !== "") parts[part].push(`${escapeText(label)}: ${code(v)}`);
  };
  const instance = resource?.instanceDetails;
  if (instance?.instanceId) {
    const name = instance.tags?.find((t) => t.key === "Name")?.value;
    parts.instance.push(`EC2 instance: ${code(instance.instanceId)}${name ? ` (${escapeText(name)})` : ""}`);
  }
  const key = resource?.accessKeyDetails;
  if (key) {
    add("accessKey", key.userType ? `Principal (${key.userType})` : "Principal", key.userName);
    add("accessKey", "Access key", key.accessKeyId);
  }
  for (const bucket of resource?.s3BucketDetails ?? []) add("s3", "S3 bucket", bucket.name);
  add("eks", "EKS cluster", resource?.eksClusterDetails?.name);
  const workload = resource?.kubernetesDetails?.kubernetesWorkloadDetails;
  if (workload?.name) add("eks", "Kubernetes workload", `${workload.namespace ? `${workload.namespace}/` : ""}${workload.name}`);
  add("eks", "Kubernetes user", resource?.kubernetesDetails?.kubernetesUserDetails?.username);
  add("rds", "RDS instance", resource?.rdsDbInstanceDetails?.dbInstanceIdentifier);
  add("rds", "RDS cluster", resource?.rdsDbInstanceDetails?.dbClusterIdentifier);
  add("rds", "DB user", resource?.rdsDbUserDetails?.user);
  add("lambda", "Lambda function", resource?.lambdaDetails?.functionName);
  add("ecs", "ECS cluster", resource?.ecsClusterDetails?.name);
  for (const c of resource?.ecsClusterDetails?.taskDetails?.containers ?? []) add("ecs", "Container", c.name ?? c.image);
  const container = resource?.containerDetails;
  if (container) add("container", "Container", container.name ?? container.image ?? container.id);

  const primary = PRIMARY[resource?.resourceType ?? ""] ?? [];
  const order = [...primary, ...(Object.keys(parts) as ResourcePart[]).filter((p) => !primary.includes(p))];
  const lines = order.flatMap((p) => parts[p]);
  for (const [type, id] of Object.entries(affected ?? {})) {
    if (typeof id === "string") lines.push(`${escapeText(type)}: ${code(id)}`);
  }
  if (lines.length === 0 && resource?.resourceType) lines.push(escapeText(resource.resourceType));
  return boundedLines(lines, "resource details", LIMITS.fieldText - 100, MAX_RESOURCE_LINES);
}

function remoteIpOf(action: GuardDutyAction | undefined): RemoteIp | undefined {
  if (!action) return undefined;
  return (
    action.awsApiCallAction?.remoteIpDetails ??
    action.networkConnectionAction?.remoteIpDetails ??
    action.kubernetesApiCallAction?.remoteIpDetails ??
    action.rdsLoginAttemptAction?.remoteIpDetails ??
    action.portProbeAction?.portProbeDetails?.find((p) => p.remoteIpDetails)?.remoteIpDetails
  );
}

/** `ip — city, country — org` as escaped mrkdwn. */
export function describeRemoteIp(ip: RemoteIp | undefined): string {
  if (!ip) return "";
  const address = ip.ipAddressV4 ?? ip.ipAddressV6;
  const place = [ip.city?.cityName, ip.country?.countryName].filter((p) => p).join(", ");
  const org = ip.organization?.org ?? ip.organization?.asnOrg ?? ip.organization?.isp;
  return [address ? code(address) : "", escapeText(place), escapeText(org ?? "")].filter((p) => p).join(" — ");
}

/** What was done and by whom, as escaped mrkdwn. */
export function describeAction(action: GuardDutyAction | undefined): string {
  if (!action) return "";
  const parts: string[] = [];
  const api = action.awsApiCallAction;
  if (api?.api) parts.push(`API ${code(`${api.serviceName ? `${api.serviceName}:` : ""}${api.api}`)}`);
  if (api?.remoteAccountDetails?.accountId) parts.push(`from account ${escapeText(api.remoteAccountDetails.accountId)}`);
  const net = action.networkConnectionAction;
  if (net) {
    const port = net.remotePortDetails?.port ?? net.localPortDetails?.port;
    parts.push(`${escapeText(net.connectionDirection ?? "")} connection${port !== undefined ? ` port ${port}` : ""}`.trim());
  }
  const probes = action.portProbeAction?.portProbeDetails;
  if (probes?.length) {
    const ports = probes.map((p) => p.localPortDetails?.port).filter((p) => p !== undefined);
    const more = ports.length > 5 ? ` and ${ports.length - 5} more` : "";
    parts.push(`port probe${ports.length ? ` on ${ports.slice(0, 5).join(", ")}${more}` : ""}`);
  }
  if (action.dnsRequestAction?.domain) parts.push(`DNS query ${code(action.dnsRequestAction.domain)}`);
  const k8s = action.kubernetesApiCallAction;
  if (k8s?.verb || k8s?.requestUri) parts.push(`Kubernetes ${code(`${k8s.verb ?? ""} ${k8s.requestUri ?? ""}`.trim())}`);
  if (parts.length === 0 && action.actionType) parts.push(escapeText(action.actionType));
  return parts.join(", ");
}

export function formatGuardDuty(finding: GuardDutyFinding, envelope: Envelope, origin: Origin, options: FormatOptions): Formatted {
  const { accountNames } = options;
  const severity = Number(finding.severity);
  const label = severityLabel(severity);
  const sample = isSample(finding);
  const samplePrefix = sample ? "[SAMPLE] " : "";
  if (isAttackSequence(finding)) {
    const text = `${label}${Number.isFinite(severity) ? ` (${severity})` : ""}`;
    return formatAttackSequence(finding, envelope, origin, options, { label, emoji: SEVERITY_EMOJI[label], text, sample });
  }
  const region = finding.region ?? envelope.region;
  const accountId = finding.accountId ?? envelope.account;
  const partition = partitionOf(finding.partition, finding.arn, region, origin.topicArn);
  const title = finding.title ?? finding.type;
  const severityText = `${label}${Number.isFinite(severity) ? ` (${severity})` : ""}`;

  const url =
    finding.id && /^[A-Za-z0-9._-]{1,128}$/.test(finding.id)
      ? consoleUrl(partition, region, "guardduty", `/findings?macros=current&fId=${encodeURIComponent(finding.id)}`)
      : undefined;

  const fields: Field[] = [
    { label: "Finding type", value: finding.type },
    { label: "Severity", value: `${SEVERITY_EMOJI[label]} ${escapeText(severityText)}`, trusted: true },
    { label: "Account", value: accountLabel(accountId, accountNames), trusted: true },
    { label: "Region", value: region },
    {
      label: "Resource",
      value: describeResource(finding.resource, finding.service?.action?.awsApiCallAction?.affectedResources),
      trusted: true,
    },
    { label: "Action", value: describeAction(finding.service?.action), trusted: true },
    { label: "Remote IP", value: describeRemoteIp(remoteIpOf(finding.service?.action)), trusted: true },
    { label: "Count", value: finding.service?.count },
    { label: "First seen", value: finding.service?.eventFirstSeen },
    { label: "Last seen", value: finding.service?.eventLastSeen ?? finding.updatedAt },
  ];

  const blocks = [
    header(`${SEVERITY_EMOJI[label]} ${samplePrefix}GuardDuty ${label}: ${title}`),
    sample ? section(":test_tube: *SAMPLE finding* generated by GuardDuty (CreateSampleFindings); not a real detection.") : undefined,
    finding.description ? section(safe(finding.description, 2000)) : undefined,
    ...fieldsSections(fields),
    finding.id ? context(`Finding id: ${code(finding.id, 200)}`) : undefined,
    linkButton("Open in GuardDuty console", url, "open-guardduty-finding"),
  ];

  const where = [accountLabel(accountId, accountNames), escapeText(region ?? "")].filter((p) => p).join(" ");
  const fallback = `${samplePrefix}GuardDuty ${severityText}: ${safe(title, 200)}${where ? ` (${where})` : ""}`;
  return { kind: "guardduty", severity: Number.isFinite(severity) ? severity : 0, message: message(fallback, blocks) };
}
