/**
 * What changed between two synthesized outputs, per stack, in words: regions added or removed,
 * resources added, removed, changed in place, moved (cdktf `moveTo`), and replaced.
 *
 * Terraform decides replacement from the provider schema's ForceNew/RequiresReplace, which the
 * schema JSON does not carry, so REPLACING_ATTRIBUTES lists the attributes known to force a new
 * resource for the types this project uses (from the provider's docs: "Forces new resource" /
 * "Changing this forces a new resource to be created"). An address that disappears without a
 * `moved` block is a destroy (and, when an address of the same type and name appears, a
 * replacement): both are called out loudly. The plan (`cdktf diff`) stays the authority.
 */
import { displayName, type Block, type Item, type Stack, type SynthOutput } from "./synth-output";

/** Resource type -> attributes whose change destroys and re-creates the resource. */
export const REPLACING_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_kms_key: ["customer_master_key_spec", "key_usage", "multi_region", "custom_key_store_id", "xks_key_id"],
  aws_kms_alias: ["name", "name_prefix"],
  aws_sns_topic: ["name", "name_prefix", "fifo_topic"],
  aws_sns_topic_subscription: ["topic_arn", "protocol", "endpoint"],
  aws_guardduty_detector_feature: ["detector_id", "name"],
  aws_guardduty_filter: ["detector_id", "name"],
  aws_guardduty_ipset: ["detector_id"],
  aws_guardduty_publishing_destination: ["detector_id"],
  aws_cloudwatch_event_rule: ["name", "name_prefix", "event_bus_name"],
  aws_cloudwatch_event_target: ["rule", "target_id", "event_bus_name"],
  aws_cloudwatch_metric_alarm: ["alarm_name"],
  aws_cloudwatch_log_metric_filter: ["name", "log_group_name"],
  aws_cloudwatch_log_group: ["name", "name_prefix"],
  aws_lambda_function: ["function_name"],
  aws_lambda_function_event_invoke_config: ["function_name", "qualifier"],
  // Every argument of a Lambda permission forces a new one (the API has no update).
  aws_lambda_permission: ["*"],
  aws_sqs_queue: ["name", "name_prefix", "fifo_queue"],
  aws_iam_role: ["name", "name_prefix", "path"],
  aws_iam_role_policy: ["name", "name_prefix", "role"],
  aws_s3_bucket: ["bucket", "bucket_prefix"],
  aws_cloudtrail: ["name"],
  aws_config_config_rule: ["name"],
};

/** Types whose loss costs more than a re-create: said in the loud part. */
const COSTLY_LOSS: Readonly<Record<string, string>> = {
  aws_guardduty_detector: "the detector's findings history and settings go with it",
  aws_kms_key: "the key is scheduled for deletion; data encrypted under it becomes unreadable after the window",
  aws_sns_topic: "every email subscriber must confirm again",
  aws_sns_topic_subscription: "email subscribers must confirm again",
  aws_s3_bucket: "a bucket with objects cannot be destroyed without emptying it",
  aws_cloudwatch_log_group: "its log events are deleted",
};

const TYPE_LABELS: Record<string, string> = {
  aws_guardduty_detector: "GuardDuty detector",
  aws_guardduty_detector_feature: "GuardDuty protection plan",
  aws_cloudwatch_metric_alarm: "CloudWatch alarm",
  aws_cloudwatch_log_metric_filter: "log metric filter",
  aws_cloudwatch_event_rule: "EventBridge rule",
  aws_cloudwatch_event_target: "EventBridge target",
  aws_sns_topic: "SNS topic",
  aws_sns_topic_policy: "SNS topic policy",
  aws_sns_topic_subscription: "SNS subscription",
  aws_kms_key: "KMS key",
  aws_kms_alias: "KMS alias",
  aws_chatbot_slack_channel_configuration: "Chatbot Slack channel configuration",
};

export function typeLabel(type: string): string {
  return TYPE_LABELS[type] ?? type.replace(/^aws_/, "").replace(/_/g, " ");
}

export interface ResourceChange {
  /** imported: adopted from AWS by an `import` block, not created; forgotten: dropped from state by a `removed` block, left in AWS. */
  readonly change: "added" | "imported" | "removed" | "forgotten" | "changed" | "replaced" | "moved";
  readonly address: string;
  readonly type: string;
  readonly label: string;
  readonly region?: string;
  /** Top-level attributes that differ (changed, replaced). */
  readonly attributes?: readonly string[];
  /** Why it is replaced, or for `moved` the old address. */
  readonly reason?: string;
  /** Regions added in this diff that a changed resource now also references. */
  readonly coversNewRegions?: readonly string[];
  /** Short scalar changes in words: `threshold: 1 -> 5`. */
  readonly details?: readonly string[];
}

const SHORT = 60;
function scalarChange(key: string, a: unknown, b: unknown): string | undefined {
  const show = (v: unknown) => (v === undefined ? "(unset)" : typeof v === "string" ? JSON.stringify(v) : String(v));
  const scalar = (v: unknown) => v === undefined || ["string", "number", "boolean"].includes(typeof v);
  if (!scalar(a) || !scalar(b) || show(a).length > SHORT || show(b).length > SHORT) return undefined;
  return `${key}: ${show(a)} -> ${show(b)}`;
}

export interface StackDiff {
  readonly stack: string;
  readonly status: "added" | "removed" | "changed" | "unchanged";
  readonly regionsAdded: readonly string[];
  readonly regionsRemoved: readonly string[];
  /** Region -> resources added or removed with it (grouped instead of listed one by one). */
  readonly regionResources: Readonly<Record<string, readonly ResourceChange[]>>;
  /** Backend, Terraform or provider version changes. */
  readonly settings: readonly string[];
  /** Resource changes outside the added/removed regions. */
  readonly resources: readonly ResourceChange[];
  /** Destroyed or replaced resources: the loud part. */
  readonly destructive: readonly ResourceChange[];
}

const stable = (v: unknown): string =>
  JSON.stringify(v, (_k, val) =>
    val && typeof val === "object" && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => a.localeCompare(b)))
      : val,
  );

function changedAttributes(a: Block, b: Block): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => stable(a[k]) !== stable(b[k])).sort();
}

/**
 * The added or removed region a block comes or goes with: its provider's, or one it references
 * (the notifier's permission for a new region's topic lives in the home region).
 */
function groupRegion(item: Item, stack: Stack, regions: readonly string[]): string | undefined {
  if (item.region && regions.includes(item.region)) return item.region;
  const referenced = new Set(
    item.refs
      .map((r) => stack.byAddress.get(r))
      .filter((r) => r?.kind === "resource" && r.region && regions.includes(r.region))
      .map((r) => r!.region!),
  );
  return referenced.size === 1 ? [...referenced][0] : undefined;
}

function settingsChanges(before: Stack, after: Stack): string[] {
  const out: string[] = [];
  const tb = before.json.terraform ?? {};
  const ta = after.json.terraform ?? {};
  const pick = (t: Block) => ({ backend: t.backend, cloud: t.cloud });
  if (stable(pick(tb)) !== stable(pick(ta)))
    out.push(
      `**State location changes** (backend ${stable(pick(tb))} -> ${stable(pick(ta))}): migrate the state first (\`terraform init -migrate-state\`) or Terraform starts empty and creates everything again.`,
    );
  if (stable(tb.required_version) !== stable(ta.required_version))
    out.push(`Terraform version constraint: ${String(tb.required_version)} -> ${String(ta.required_version)}`);
  if (stable(tb.required_providers) !== stable(ta.required_providers))
    out.push(`Provider constraints: ${stable(tb.required_providers)} -> ${stable(ta.required_providers)}`);
  return out;
}

export function diffStack(name: string, before: Stack | undefined, after: Stack | undefined): StackDiff {
  const empty = { regionsAdded: [], regionsRemoved: [], regionResources: {}, settings: [], resources: [], destructive: [] };
  if (!before && !after) return { stack: name, status: "unchanged", ...empty };
  if (!before) return { stack: name, status: "added", ...empty, regionsAdded: after!.regions };
  if (!after) {
    const gone = before.items.filter((i) => i.kind === "resource").map((i) => change("removed", i));
    return { stack: name, status: "removed", ...empty, regionsRemoved: before.regions, destructive: gone };
  }
  const regionsAdded = after.regions.filter((r) => !before.regions.includes(r));
  const regionsRemoved = before.regions.filter((r) => !after.regions.includes(r));
  const moves = new Map((after.json.moved ?? []).map((m) => [String(m.from), String(m.to)]));
  // `removed { from = ..., lifecycle { destroy = false } }`: Terraform forgets the resource and leaves it in AWS.
  const forgotten = new Set(
    (after.json.removed ?? []).filter((r) => (r.lifecycle as Block | undefined)?.destroy === false).map((r) => String(r.from)),
  );
  const movedTargets = new Set(moves.values());
  const resources: ResourceChange[] = [];
  const regionResources: Record<string, ResourceChange[]> = {};
  const place = (c: ResourceChange, stack: Stack, item: Item) => {
    const r = groupRegion(item, stack, c.change === "added" || c.change === "imported" ? regionsAdded : regionsRemoved);
    if (r) (regionResources[r] ??= []).push(c);
    else resources.push(c);
  };

  const beforeRes = before.items.filter((i) => i.kind === "resource");
  const afterRes = after.items.filter((i) => i.kind === "resource");
  const afterByAddr = new Map(afterRes.map((i) => [i.address, i]));
  const beforeByAddr = new Map(beforeRes.map((i) => [i.address, i]));

  for (const old of beforeRes) {
    const now = afterByAddr.get(old.address);
    if (now) {
      const attrs = changedAttributes(old.body, now.body);
      if (!attrs.length) continue;
      const replacing = REPLACING_ATTRIBUTES[old.type] ?? [];
      const forcing = attrs.filter((a) => replacing.includes("*") || replacing.includes(a));
      const newRefs = now.refs.filter((r) => !old.refs.includes(r));
      const covers = [
        ...new Set(newRefs.map((r) => after.byAddress.get(r)?.region).filter((r): r is string => !!r && regionsAdded.includes(r))),
      ];
      resources.push({
        ...change(forcing.length ? "replaced" : "changed", now),
        attributes: attrs,
        reason: forcing.length ? `${forcing.join(", ")} cannot change in place` : undefined,
        coversNewRegions: covers.length ? covers : undefined,
        details: attrs.map((a) => scalarChange(a, old.body[a], now.body[a])).filter((d): d is string => !!d),
      });
      continue;
    }
    const movedTo = moves.get(old.address);
    if (movedTo && afterByAddr.has(movedTo)) continue; // reported from the added side
    place(change(forgotten.has(old.address) ? "forgotten" : "removed", old), before, old);
  }
  for (const now of afterRes) {
    if (beforeByAddr.has(now.address)) continue;
    const from = [...moves].find(([, to]) => to === now.address)?.[0];
    if (from && movedTargets.has(now.address) && beforeByAddr.has(from)) {
      resources.push({ ...change("moved", now), reason: from });
      continue;
    }
    place(change(after.imported.has(now.address) ? "imported" : "added", now), after, now);
  }

  // A removed address with an added one of the same type and AWS name is a rename: a replacement.
  const removed = resources.filter((c) => c.change === "removed");
  for (const r of removed) {
    const twin = resources.find((c) => c.change === "added" && c.type === r.type && c.label === r.label && c.region === r.region);
    if (!twin) continue;
    resources.splice(resources.indexOf(r), 1);
    resources.splice(resources.indexOf(twin), 1, {
      ...twin,
      change: "replaced",
      reason: `its address changed from ${r.address} without a moved block (use cdktf moveTo)`,
    });
  }

  const destructive = [
    ...resources.filter((c) => c.change === "removed" || c.change === "replaced"),
    ...regionsRemoved.flatMap((r) => (regionResources[r] ?? []).filter((c) => c.change === "removed")),
  ];
  const settings = settingsChanges(before, after);
  const changed = regionsAdded.length || regionsRemoved.length || settings.length || resources.length;
  return {
    stack: name,
    status: changed ? "changed" : "unchanged",
    regionsAdded,
    regionsRemoved,
    regionResources,
    settings,
    resources,
    destructive,
  };
}

function change(kind: ResourceChange["change"], item: Item): ResourceChange {
  return { change: kind, address: item.address, type: item.type, label: displayName(item), region: item.region };
}

export function diffOutputs(before: SynthOutput, after: SynthOutput): StackDiff[] {
  const names = [...new Set([...before.stacks.keys(), ...after.stacks.keys()])].sort();
  return names.map((n) => diffStack(n, before.stacks.get(n), after.stacks.get(n)));
}

/** Why losing this resource hurts, if it is one of the costly kinds. */
export function lossNote(type: string): string | undefined {
  return COSTLY_LOSS[type];
}
