/**
 * What a stack turns on, read from its Terraform JSON: account, state, regions, and per region
 * a row of "what is on". The row is driven by one table, COLUMNS (resource type -> column and how
 * to describe the blocks), so a new resource type is one line there; types in no column still
 * appear in the per-type resource count.
 */
import { posix } from "node:path";
import { severityBand } from "../../detection/severity";
import { displayName, resourcesOf, type Block, type Item, type Stack } from "./synth-output";

/** GuardDuty feature names -> short labels for the table. Unknown names are shown as they are. */
const PLAN_LABELS: Record<string, string> = {
  S3_DATA_EVENTS: "S3",
  EKS_AUDIT_LOGS: "EKS",
  EBS_MALWARE_PROTECTION: "EBS malware",
  RDS_LOGIN_EVENTS: "RDS",
  LAMBDA_NETWORK_LOGS: "Lambda",
  RUNTIME_MONITORING: "Runtime",
  EKS_RUNTIME_MONITORING: "EKS runtime",
};

/** The parts of an EventBridge pattern the summary reads. */
interface EventPattern {
  readonly source?: unknown;
  readonly detail?: { readonly severity?: unknown; readonly findings?: { readonly Severity?: { readonly Label?: unknown } } };
}

/** Event pattern of a rule, parsed; undefined when it is not literal JSON. */
export function eventPattern(rule: Item): EventPattern | undefined {
  const text = rule.body.event_pattern;
  if (typeof text !== "string") return undefined;
  try {
    return JSON.parse(text) as EventPattern;
  } catch {
    return undefined;
  }
}

/** The `numeric >=` floor on detail.severity of a rule's pattern, if any. */
export function severityFloor(rule: Item): number | undefined {
  const sev = eventPattern(rule)?.detail?.severity;
  if (!Array.isArray(sev)) return undefined;
  for (const m of sev as Array<{ numeric?: unknown } | null>) {
    const n = m?.numeric;
    if (Array.isArray(n) && (n[0] === ">=" || n[0] === ">") && typeof n[1] === "number") return n[1];
  }
  return undefined;
}

/** The Security Hub severity labels a rule matches (`detail.findings.Severity.Label`), if it lists them. */
export function securityHubLabels(rule: Item): string[] | undefined {
  const labels = eventPattern(rule)?.detail?.findings?.Severity?.Label;
  return Array.isArray(labels) && labels.every((l) => typeof l === "string") ? labels : undefined;
}

/** Event sources a rule matches (`aws.guardduty`, ...). */
export function eventSources(rule: Item): string[] {
  const src = eventPattern(rule)?.source;
  return Array.isArray(src) ? src.map(String) : [];
}

const count = (items: readonly Item[]) => (items.length ? String(items.length) : undefined);
const list = (values: readonly string[]) => (values.length ? [...new Set(values)].join(", ") : undefined);

export interface Column {
  /** Column title; several rows of this table may fill the same column. */
  readonly column: string;
  readonly kind: "resource" | "data";
  readonly type: string;
  /** The cell text for this region's blocks of the type (at least one); undefined leaves it empty. */
  readonly cell: (items: readonly Item[], stack: Stack) => string | undefined;
  /** Regions a block counts for; default its provider's region. */
  readonly regionsOf?: (item: Item, stack: Stack) => readonly string[];
  /** Leave the cell empty where the region has a resource of this type (it says more). */
  readonly unless?: string;
}

/** Regions of the SNS topics a block references (the topics a Chatbot configuration serves). */
function topicRegions(item: Item, stack: Stack): string[] {
  const topics = item.refs.filter((r) => r.startsWith("aws_sns_topic."));
  return [...new Set(topics.map((r) => stack.byAddress.get(r)?.region).filter((r): r is string => !!r))];
}

/** The "what is on" table: resource type -> column. New types: one line here. */
export const COLUMNS: readonly Column[] = [
  {
    column: "GuardDuty",
    kind: "resource",
    type: "aws_guardduty_detector",
    cell: (items, s) => (items.some((i) => s.imported.has(i.address)) ? "adopted" : "created"),
  },
  // A stack that manages the detector may still look it up (e.g. to import it by lookup).
  { column: "GuardDuty", kind: "data", type: "aws_guardduty_detector", cell: () => "external", unless: "aws_guardduty_detector" },
  {
    column: "Plans",
    kind: "resource",
    type: "aws_guardduty_detector_feature",
    cell: (items) =>
      list(items.filter((i) => i.body.status === "ENABLED").map((i) => PLAN_LABELS[String(i.body.name)] ?? String(i.body.name))) ?? "none",
  },
  {
    column: "Severity floor",
    kind: "resource",
    type: "aws_cloudwatch_event_rule",
    cell: (items) =>
      list(
        items
          .filter((i) => eventSources(i).includes("aws.guardduty"))
          .flatMap((i) => (severityFloor(i) === undefined ? [] : [`>= ${severityFloor(i)} (${severityBand(severityFloor(i)!)})`])),
      ),
  },
  {
    column: "Channels",
    kind: "resource",
    type: "aws_sns_topic_subscription",
    // Distinct endpoints per protocol (one address subscribed to two topics counts once).
    cell: (items, stack) => {
      const byProtocol = new Map<string, Set<string>>();
      const functions: string[] = [];
      for (const i of items) {
        const fn = i.refs.map((r) => stack.byAddress.get(r)).find((r) => r?.type === "aws_lambda_function");
        if (fn) functions.push(`Lambda ${displayName(fn)}`);
        else byProtocol.set(String(i.body.protocol), (byProtocol.get(String(i.body.protocol)) ?? new Set()).add(String(i.body.endpoint)));
      }
      return list([...[...byProtocol].sort(([a], [b]) => a.localeCompare(b)).map(([p, n]) => `${p} x${n.size}`), ...functions.sort()]);
    },
  },
  { column: "Channels", kind: "resource", type: "aws_chatbot_slack_channel_configuration", cell: () => "Chatbot", regionsOf: topicRegions },
  { column: "Alarms", kind: "resource", type: "aws_cloudwatch_metric_alarm", cell: count },
  { column: "AWS Config", kind: "resource", type: "aws_config_configuration_recorder", cell: () => "recorder" },
  { column: "AWS Config", kind: "resource", type: "aws_config_config_rule", cell: (items) => `${items.length} rule(s)` },
  { column: "Security Hub", kind: "resource", type: "aws_securityhub_account", cell: () => "on" },
  {
    column: "Security Hub",
    kind: "resource",
    type: "aws_cloudwatch_event_rule",
    cell: (items) =>
      list(
        items
          .filter((i) => eventSources(i).includes("aws.securityhub"))
          .map((i) => `findings ${securityHubLabels(i)?.join("/") ?? "(all)"} alerted`),
      ),
  },
  {
    column: "Security Hub",
    kind: "resource",
    type: "aws_securityhub_standards_subscription",
    cell: (items) => `${items.length} standard(s)`,
  },
  {
    column: "Security Hub",
    kind: "resource",
    type: "aws_securityhub_automation_rule",
    cell: (items) => `${items.length} automation rule(s)`,
  },
  {
    column: "Export",
    kind: "resource",
    type: "aws_guardduty_publishing_destination",
    cell: (items) => list(items.map((i) => String(i.body.destination_type ?? "S3"))),
  },
  { column: "Suppressed", kind: "resource", type: "aws_guardduty_filter", cell: (items) => `${items.length} filter(s)` },
  { column: "Trusted IPs", kind: "resource", type: "aws_guardduty_ipset", cell: (items) => `${items.length} list(s)` },
  { column: "Threat lists", kind: "resource", type: "aws_guardduty_threatintelset", cell: (items) => `${items.length} list(s)` },
  {
    column: "Organization",
    kind: "resource",
    type: "aws_guardduty_organization_admin_account",
    cell: (items) => list(items.map((i) => `delegated admin ${String(i.body.admin_account_id)}`)),
  },
  {
    column: "Organization",
    kind: "resource",
    type: "aws_guardduty_organization_configuration",
    cell: (items) => list(items.map((i) => `auto-enable ${String(i.body.auto_enable_organization_members ?? "?")}`)),
  },
  { column: "Organization", kind: "resource", type: "aws_guardduty_member", cell: (items) => `${items.length} member(s)` },
  { column: "Queues", kind: "resource", type: "aws_sqs_queue", cell: count },
];

/** Cells for a column that no resource type filled, from the row's other cells. */
const FALLBACKS: Readonly<Record<string, (cells: Readonly<Record<string, string>>) => string | undefined>> = {
  // Findings are routed but no detector is managed or looked up here: someone else runs it.
  GuardDuty: (cells) => (cells["Severity floor"] ? "not managed here" : undefined),
};

export interface RegionRow {
  readonly region: string;
  /** Column title -> cell text. */
  readonly cells: Readonly<Record<string, string>>;
  /** Resources whose provider is this region. */
  readonly resources: number;
}

export interface Backend {
  readonly kind: string;
  readonly text: string;
}

export interface StackFacts {
  readonly name: string;
  /** The account ids the providers accept; empty: the credentials' own account. */
  readonly accountIds: readonly string[];
  readonly assumeRoleArns: readonly string[];
  readonly backend: Backend;
  readonly terraformVersion?: string;
  /** `hashicorp/aws 6.25.0` */
  readonly providerVersions: readonly string[];
  readonly regions: readonly string[];
  /** Titles of the columns that have at least one cell, in COLUMNS order. */
  readonly columns: readonly string[];
  readonly rows: readonly RegionRow[];
  /** Resource type -> count, for every type (including those in no column). */
  readonly resourceCounts: ReadonlyArray<readonly [string, number]>;
  readonly logAlarms: readonly LogAlarm[];
  readonly otherAlarms: readonly { name: string; region?: string; description?: string }[];
  /** Console sign-in allow-list, as written in the filter pattern. */
  readonly consoleAllowList?: readonly string[];
  readonly suppressions: readonly { name: string; regions: readonly string[]; action?: string; reason?: string }[];
}

export interface LogAlarm {
  readonly name: string;
  readonly region?: string;
  readonly threshold?: number;
  readonly periodSec?: number;
  readonly pattern?: string;
  readonly description?: string;
}

function backendOf(terraform: Block | undefined, stackName: string): Backend {
  const cloud = terraform?.cloud as Block | undefined;
  if (cloud) {
    const ws = (cloud.workspaces as Block | undefined) ?? {};
    const where = ws.name ? `workspace \`${String(ws.name)}\`` : `workspaces tagged ${JSON.stringify(ws.tags)}`;
    return {
      kind: "cloud",
      text: `Terraform Cloud ${where} in organization \`${String(cloud.organization)}\`${cloud.hostname ? ` on ${String(cloud.hostname)}` : ""}`,
    };
  }
  const backend = (terraform?.backend as Record<string, Block> | undefined) ?? {};
  const [kind, cfg] = Object.entries(backend)[0] ?? ["local", {}];
  if (kind === "local") {
    // Terraform runs in cdktf.out/stacks/<stack>/; say where that puts the file in the project.
    const where = posix.normalize(posix.join("cdktf.out/stacks", stackName, String(cfg.path ?? "terraform.tfstate")));
    return { kind, text: `local file \`${where}\`` };
  }
  if (kind === "s3") {
    const lock = cfg.use_lockfile ? "S3 lockfile" : cfg.dynamodb_table ? `DynamoDB table \`${String(cfg.dynamodb_table)}\`` : "no lock";
    return {
      kind,
      text: `S3 \`s3://${String(cfg.bucket)}/${String(cfg.key)}\` (${String(cfg.region)}, ${cfg.encrypt ? "encrypted" : "not encrypted"}, ${lock})`,
    };
  }
  return { kind, text: `${kind} backend` };
}

function rowsOf(stack: Stack): { columns: string[]; rows: RegionRow[] } {
  const cells = new Map<string, Map<string, string[]>>(stack.regions.map((r) => [r, new Map()]));
  const used = new Set<string>();
  for (const col of COLUMNS) {
    const byRegion = new Map<string, Item[]>();
    for (const item of stack.items) {
      if (item.kind !== col.kind || item.type !== col.type) continue;
      const regions = col.regionsOf ? col.regionsOf(item, stack) : item.region ? [item.region] : [];
      for (const r of regions) byRegion.set(r, [...(byRegion.get(r) ?? []), item]);
    }
    for (const [region, items] of byRegion) {
      if (col.unless && stack.items.some((i) => i.kind === "resource" && i.type === col.unless && i.region === region)) continue;
      const text = col.cell(items, stack);
      if (text === undefined || !cells.has(region)) continue;
      used.add(col.column);
      const row = cells.get(region)!;
      row.set(col.column, [...(row.get(col.column) ?? []), text]);
    }
  }
  const rows = stack.regions.map((region) => {
    const rowCells: Record<string, string> = Object.fromEntries([...cells.get(region)!].map(([c, texts]) => [c, texts.join(", ")]));
    for (const [column, fallback] of Object.entries(FALLBACKS)) {
      const text = rowCells[column] ? undefined : fallback(rowCells);
      if (!text) continue;
      rowCells[column] = text;
      used.add(column);
    }
    return { region, cells: rowCells, resources: stack.items.filter((i) => i.kind === "resource" && i.region === region).length };
  });
  const columns = [...new Set(COLUMNS.map((c) => c.column))].filter((c) => used.has(c));
  return { columns, rows };
}

/** CloudWatch alarms on metrics that a log metric filter of this stack produces (CloudTrail alarms). */
function logAlarmsOf(stack: Stack): { log: LogAlarm[]; other: StackFacts["otherAlarms"] } {
  const filters = new Map<string, Item>();
  for (const f of resourcesOf(stack, "aws_cloudwatch_log_metric_filter")) {
    const t = f.body.metric_transformation as Block | Block[] | undefined;
    const m = Array.isArray(t) ? t[0] : t;
    if (m) filters.set(`${String(m.namespace)}/${String(m.name)}`, f);
  }
  const log: LogAlarm[] = [];
  const other: { name: string; region?: string; description?: string }[] = [];
  for (const a of resourcesOf(stack, "aws_cloudwatch_metric_alarm")) {
    const filter = filters.get(`${String(a.body.namespace)}/${String(a.body.metric_name)}`);
    const description = typeof a.body.alarm_description === "string" ? a.body.alarm_description : undefined;
    if (!filter) {
      other.push({ name: displayName(a), region: a.region, description });
      continue;
    }
    log.push({
      name: displayName(a),
      region: a.region,
      threshold: typeof a.body.threshold === "number" ? a.body.threshold : undefined,
      periodSec: typeof a.body.period === "number" ? a.body.period : undefined,
      pattern: typeof filter.body.pattern === "string" ? filter.body.pattern : undefined,
      description,
    });
  }
  return { log, other };
}

/** Addresses excluded from console sign-in alarms: `$.sourceIPAddress != "..."` in a ConsoleLogin filter. */
function consoleAllowListOf(stack: Stack): string[] | undefined {
  for (const f of resourcesOf(stack, "aws_cloudwatch_log_metric_filter")) {
    const p = String(f.body.pattern ?? "");
    if (!/\$\.eventName\s*=\s*"?ConsoleLogin"?/.test(p)) continue;
    const ips = [...p.matchAll(/\$\.sourceIPAddress\s*!=\s*"([^"]+)"/g)].map((m) => m[1]);
    if (ips.length) return ips;
  }
  return undefined;
}

/** GuardDuty filters, one entry per name, action and reason with the regions it is in. */
function suppressionsOf(stack: Stack): StackFacts["suppressions"] {
  const byKey = new Map<string, { name: string; regions: string[]; action?: string; reason?: string }>();
  for (const f of resourcesOf(stack, "aws_guardduty_filter")) {
    const action = typeof f.body.action === "string" ? f.body.action : undefined;
    const reason = typeof f.body.description === "string" ? f.body.description : undefined;
    const key = JSON.stringify([displayName(f), action, reason]);
    const entry = byKey.get(key) ?? { name: displayName(f), regions: [], action, reason };
    if (f.region) entry.regions.push(f.region);
    byKey.set(key, entry);
  }
  const order = (r: string) => stack.regions.indexOf(r);
  return [...byKey.values()].map((e) => ({ ...e, regions: e.regions.sort((a, b) => order(a) - order(b)) }));
}

export function describeStack(stack: Stack): StackFacts {
  const aws = stack.json.provider?.aws ?? [];
  const accountIds = [...new Set(aws.flatMap((p) => (Array.isArray(p.allowed_account_ids) ? p.allowed_account_ids.map(String) : [])))];
  const assumeRoleArns = [
    ...new Set(aws.flatMap((p) => (Array.isArray(p.assume_role) ? p.assume_role.map((r: Block) => String(r.role_arn)) : []))),
  ];
  const required = (stack.json.terraform?.required_providers as Record<string, Block> | undefined) ?? {};
  const providerVersions = Object.entries(required).map(([name, p]) => {
    const source = String(p.source ?? name);
    return `${source.includes("/") ? source : `hashicorp/${source}`} ${String(p.version ?? "(any version)")}`;
  });
  const { columns, rows } = rowsOf(stack);
  const counts = new Map<string, number>();
  for (const i of stack.items) if (i.kind === "resource") counts.set(i.type, (counts.get(i.type) ?? 0) + 1);
  const { log, other } = logAlarmsOf(stack);
  return {
    name: stack.name,
    accountIds,
    assumeRoleArns,
    backend: backendOf(stack.json.terraform, stack.name),
    terraformVersion: typeof stack.json.terraform?.required_version === "string" ? stack.json.terraform.required_version : undefined,
    providerVersions,
    regions: stack.regions,
    columns,
    rows,
    resourceCounts: [...counts].sort(([a], [b]) => a.localeCompare(b)),
    logAlarms: log,
    otherAlarms: other,
    consoleAllowList: consoleAllowListOf(stack),
    suppressions: suppressionsOf(stack),
  };
}
