/**
 * A Mermaid flowchart of a stack's alert flow (GitHub renders ```mermaid blocks), built from the
 * synthesized blocks and their references: event sources -> EventBridge rules -> targets, log
 * metric filters -> alarms -> topics, topics -> subscriptions and Chatbot, Lambda failure
 * destinations.
 *
 * The mermaid package needs a browser DOM and is far too large for a dev check, so
 * `checkFlowchart` validates the exact subset of flowchart syntax emitted here, strictly: one
 * `flowchart LR` header, node lines `id["label"]`, edge lines `a --> b`, `a -->|"label"| b` or
 * `a -.->|"label"| b`, declared ids only, no reserved words as ids, no raw quotes in labels.
 */
import { severityBand } from "../../detection/severity";
import { eventSources, securityHubLabels, severityFloor } from "./facts";
import { referencesIn, resourcesOf, type Block, type Item, type Stack } from "./synth-output";

const SOURCE_LABELS: Record<string, string> = {
  "aws.guardduty": "GuardDuty findings",
  "aws.securityhub": "Security Hub findings",
  "aws.config": "Config rule compliance",
  "aws.health": "AWS Health events",
  "aws.inspector2": "Inspector findings",
  "aws.cloudwatch": "CloudWatch alarm state",
};

interface Graph {
  readonly nodes: Map<string, string>;
  readonly edges: Array<{ from: string; to: string; label?: string; dashed?: boolean }>;
}

function label(text: string): string {
  return text.replace(/"/g, "#quot;").replace(/[\r\n]+/g, " ");
}

function id(text: string): string {
  const clean = text.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[A-Za-z]/.test(clean) ? clean : `n_${clean}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function addEdge(g: Graph, from: string, to: string, edgeLabel?: string, dashed?: boolean): void {
  if (!g.edges.some((e) => e.from === from && e.to === to && e.label === edgeLabel)) g.edges.push({ from, to, label: edgeLabel, dashed });
}

/** The addresses referenced from one attribute of a block. */
function refsIn(item: Item, attribute: string): string[] {
  return referencesIn(item.body[attribute]);
}

export function flowchart(stack: Stack): string {
  const g: Graph = { nodes: new Map(), edges: [] };

  // One node per topic name (the alert topic, and any other topic), across its regions.
  const topicNode = new Map<string, string>(); // topic address -> node id
  const topicsByName = new Map<string, Item[]>();
  for (const t of resourcesOf(stack, "aws_sns_topic")) {
    const name = String(t.body.name ?? t.name);
    topicsByName.set(name, [...(topicsByName.get(name) ?? []), t]);
  }
  for (const [name, topics] of topicsByName) {
    const node = id(`topic_${name}`);
    const regions = new Set(topics.map((t) => t.region)).size;
    const encrypted = topics.every((t) => t.body.kms_master_key_id);
    g.nodes.set(node, `SNS topic ${name} in ${plural(regions, "region")}${encrypted ? ", KMS-encrypted" : ""}`);
    for (const t of topics) topicNode.set(t.address, node);
  }
  const topicsOf = (refs: readonly string[]) => [...new Set(refs.map((r) => topicNode.get(r)).filter((n): n is string => !!n))];

  // Event sources -> rules -> targets (by the target's arn), and their dead-letter queues.
  const targets = resourcesOf(stack, "aws_cloudwatch_event_target");
  for (const rule of resourcesOf(stack, "aws_cloudwatch_event_rule")) {
    const ruleTargets = targets.filter((t) => t.refs.includes(rule.address));
    if (!ruleTargets.length) continue;
    const sources = eventSources(rule);
    const ruleNode = id(`rules_${sources.join("_") || "events"}`);
    g.nodes.set(ruleNode, `EventBridge rule ${String(rule.body.name ?? "")}`.trim());
    for (const source of sources.length ? sources : ["events"]) {
      const srcNode = id(`src_${source}`);
      g.nodes.set(srcNode, SOURCE_LABELS[source] ?? source);
      const floor = severityFloor(rule);
      const labels = securityHubLabels(rule);
      addEdge(
        g,
        srcNode,
        ruleNode,
        floor !== undefined ? `severity >= ${floor} (${severityBand(floor)})` : labels ? `severity ${labels.join(", ")}` : undefined,
      );
    }
    for (const t of ruleTargets) {
      const arn = refsIn(t, "arn");
      for (const node of topicsOf(arn)) addEdge(g, ruleNode, node);
      for (const r of arn.filter((a) => !topicNode.has(a))) {
        const type = r.split(".")[0];
        const node = id(`target_${type}`);
        g.nodes.set(node, type === "aws_sqs_queue" ? "SQS queue" : type === "aws_lambda_function" ? "Lambda" : type);
        addEdge(g, ruleNode, node);
      }
      if (refsIn(t, "dead_letter_config").length) {
        g.nodes.set("rule_dlq", "Undelivered events: SQS dead-letter queue");
        addEdge(g, ruleNode, "rule_dlq", "delivery failed", true);
      }
    }
  }

  // Log metric filters -> alarms; every alarm -> the topics of its actions.
  const filters = resourcesOf(stack, "aws_cloudwatch_log_metric_filter");
  const filterMetrics = new Set(
    filters.map((f) => {
      const m = f.body.metric_transformation as Block | Block[];
      const t = Array.isArray(m) ? m[0] : m;
      return `${String(t?.namespace)}/${String(t?.name)}`;
    }),
  );
  const alarms = resourcesOf(stack, "aws_cloudwatch_metric_alarm");
  const logAlarms = alarms.filter((a) => filterMetrics.has(`${String(a.body.namespace)}/${String(a.body.metric_name)}`));
  const otherAlarms = alarms.filter((a) => !logAlarms.includes(a));
  if (filters.length) {
    g.nodes.set(
      "trail_logs",
      resourcesOf(stack, "aws_cloudtrail").length ? "CloudTrail trail logs (created here)" : "CloudTrail logs (existing log group)",
    );
    g.nodes.set("filters", `${plural(filters.length, "metric filter")}`);
    addEdge(g, "trail_logs", "filters");
  }
  if (logAlarms.length) {
    g.nodes.set("log_alarms", `CloudTrail alarms: ${logAlarms.length}`);
    addEdge(g, "filters", "log_alarms");
  }
  if (otherAlarms.length) g.nodes.set("other_alarms", `Operational alarms: ${otherAlarms.length}`);
  for (const [node, group] of [
    ["log_alarms", logAlarms],
    ["other_alarms", otherAlarms],
  ] as const) {
    for (const topic of topicsOf(group.flatMap((a) => refsIn(a, "alarm_actions")))) addEdge(g, node, topic);
  }

  // Topics -> subscribers.
  const subs = resourcesOf(stack, "aws_sns_topic_subscription");
  const functions = resourcesOf(stack, "aws_lambda_function");
  for (const sub of subs) {
    const protocol = String(sub.body.protocol);
    for (const topic of topicsOf(refsIn(sub, "topic_arn"))) {
      const fn = functions.find((f) => refsIn(sub, "endpoint").includes(f.address));
      let node: string;
      if (protocol === "email") {
        const addresses = new Set(
          subs
            .filter((s) => s.body.protocol === "email" && topicsOf(refsIn(s, "topic_arn")).includes(topic))
            .map((s) => String(s.body.endpoint)),
        );
        node = id(`email_${topic}`);
        g.nodes.set(node, `Email: ${plural(addresses.size, "address", "addresses")}`);
      } else if (fn) {
        node = id(`fn_${fn.name}`);
        g.nodes.set(node, `Lambda ${String(fn.body.function_name ?? fn.name)}`);
      } else {
        node = id(`sub_${protocol}`);
        g.nodes.set(node, `${protocol} subscription`);
      }
      addEdge(g, topic, node);
      if (refsIn(sub, "redrive_policy").length) {
        g.nodes.set("sub_dlq", "Undelivered notifications: SQS dead-letter queue");
        addEdge(g, topic, "sub_dlq", "delivery failed", true);
      }
    }
  }
  for (const fn of functions) {
    const fnNode = id(`fn_${fn.name}`);
    if (!g.nodes.has(fnNode)) continue;
    const env = ((fn.body.environment as Block | undefined)?.variables as Block | undefined) ?? {};
    if (Object.keys(env).some((k) => /WEBHOOK/.test(k))) {
      g.nodes.set("slack_webhook", "Slack (incoming webhook)");
      addEdge(g, fnNode, "slack_webhook");
    }
    for (const inv of resourcesOf(stack, "aws_lambda_function_event_invoke_config").filter((i) => i.refs.includes(fn.address))) {
      if (inv.refs.some((r) => r.startsWith("aws_sqs_queue."))) {
        g.nodes.set("lambda_failures", "Failed deliveries: SQS queue");
        addEdge(g, fnNode, "lambda_failures", "after retries", true);
      }
    }
  }
  for (const c of resourcesOf(stack, "aws_chatbot_slack_channel_configuration")) {
    g.nodes.set("chatbot", "AWS Chatbot");
    g.nodes.set("slack_channel", `Slack channel ${String(c.body.slack_channel_id ?? "")}`.trim());
    for (const topic of topicsOf(refsIn(c, "sns_topic_arns"))) addEdge(g, topic, "chatbot");
    addEdge(g, "chatbot", "slack_channel");
  }

  const used = new Set(g.edges.flatMap((e) => [e.from, e.to]));
  const lines = ["flowchart LR"];
  for (const [nodeId, text] of g.nodes) if (used.has(nodeId)) lines.push(`  ${nodeId}["${label(text)}"]`);
  for (const e of g.edges) {
    const arrow = e.dashed ? "-.->" : "-->";
    lines.push(e.label ? `  ${e.from} ${arrow}|"${label(e.label)}"| ${e.to}` : `  ${e.from} ${arrow} ${e.to}`);
  }
  return lines.join("\n");
}

const RESERVED = new Set([
  "end",
  "graph",
  "flowchart",
  "subgraph",
  "style",
  "class",
  "classDef",
  "click",
  "linkStyle",
  "direction",
  "default",
]);
const NODE = /^ {2}([A-Za-z][A-Za-z0-9_]*)\["([^"\n]*)"\]$/;
const EDGE = /^ {2}([A-Za-z][A-Za-z0-9_]*) (-->|-\.->)(?:\|"([^"\n]*)"\|)? ([A-Za-z][A-Za-z0-9_]*)$/;

/** Problems with a flowchart in the subset emitted above; empty when it is well formed. */
export function checkFlowchart(text: string): string[] {
  const problems: string[] = [];
  const lines = text.split("\n");
  if (!/^flowchart (LR|TD|TB|RL|BT)$/.test(lines[0] ?? ""))
    problems.push(`line 1: expected "flowchart LR", got ${JSON.stringify(lines[0])}`);
  const declared = new Set<string>();
  const edges: Array<[number, string, string]> = [];
  lines.slice(1).forEach((line, i) => {
    const n = i + 2;
    const node = NODE.exec(line);
    const edge = EDGE.exec(line);
    if (node) {
      if (RESERVED.has(node[1])) problems.push(`line ${n}: reserved word "${node[1]}" as a node id`);
      if (declared.has(node[1])) problems.push(`line ${n}: node "${node[1]}" declared twice`);
      if (/[<>]/.test(node[2])) problems.push(`line ${n}: HTML in a label`);
      declared.add(node[1]);
    } else if (edge) {
      edges.push([n, edge[1], edge[4]]);
    } else {
      problems.push(`line ${n}: not a node or edge line: ${JSON.stringify(line)}`);
    }
  });
  for (const [n, from, to] of edges) {
    for (const end of [from, to]) if (!declared.has(end)) problems.push(`line ${n}: edge uses undeclared node "${end}"`);
  }
  if (!edges.length) problems.push("no edges");
  const connected = new Set(edges.flatMap(([, a, b]) => [a, b]));
  for (const d of declared) if (!connected.has(d)) problems.push(`node "${d}" has no edge`);
  return problems;
}
