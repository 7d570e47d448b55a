/**
 * Renders the reviewer summary as GitHub-flavoured Markdown: one section per stack, and with an
 * older output, what changed. The first line is a marker the CI workflow uses to update its
 * previous pull-request comment instead of adding a new one.
 */
import { estimateCost, type CostEstimate, type PriceTable } from "./cost";
import { lossNote, typeLabel, type ResourceChange, type StackDiff } from "./diff";
import { describeStack, type StackFacts } from "./facts";
import { flowchart } from "./mermaid";
import type { Stack, SynthOutput } from "./synth-output";

export const COMMENT_MARKER = "<!-- threat-alerts-summary -->";

/** A table cell: no pipes or line breaks. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
const money = (n: number) => `$${n.toFixed(2)}`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

function stackHeader(f: StackFacts): string[] {
  const account = f.accountIds.length ? `account ${f.accountIds.map(code).join(", ")}` : "the deploying credentials' own account";
  const role = f.assumeRoleArns.length ? ` via role ${f.assumeRoleArns.map(code).join(", ")}` : "";
  return [
    `- **Account:** ${account}${role}`,
    `- **State:** ${f.backend.text}`,
    `- **Terraform:** ${f.terraformVersion ?? "any version"}; providers: ${f.providerVersions.join(", ") || "none"}`,
    `- **Regions:** ${f.regions.join(", ")}`,
  ];
}

function regionTable(f: StackFacts): string[] {
  const header = ["Region", ...f.columns, "Resources"];
  return table(
    header,
    f.rows.map((r) => [r.region, ...f.columns.map((c) => r.cells[c] ?? "-"), String(r.resources)]),
  );
}

function alarmsSection(f: StackFacts): string[] {
  const out: string[] = [];
  if (f.logAlarms.length) {
    const regions = [...new Set(f.logAlarms.map((a) => a.region).filter(Boolean))];
    out.push("", `### CloudTrail alarms (${f.logAlarms.length}, in ${regions.join(", ")})`, "");
    out.push(
      ...table(
        ["Alarm", "Fires at"],
        f.logAlarms.map((a) => [code(a.name), a.threshold === undefined ? "-" : `>= ${a.threshold} in ${a.periodSec ?? "?"} s`]),
      ),
    );
    if (f.consoleAllowList) out.push("", `Console sign-ins are allowed without an alarm from: ${f.consoleAllowList.map(code).join(", ")}.`);
    out.push("", "<details><summary>Filter patterns</summary>", "", "```text");
    for (const a of f.logAlarms) out.push(`${a.name}: ${a.pattern ?? "-"}`);
    out.push("```", "", "</details>");
  }
  if (f.otherAlarms.length) {
    out.push("", `### Operational alarms (${f.otherAlarms.length})`, "");
    for (const a of f.otherAlarms) out.push(`- ${code(a.name)} (${a.region ?? "?"})${a.description ? `: ${a.description}` : ""}`);
  }
  return out;
}

function suppressionSection(f: StackFacts): string[] {
  if (!f.suppressions.length) return [];
  return [
    "",
    `### Suppressed findings (${f.suppressions.length} ${f.suppressions.length === 1 ? "filter" : "filters"})`,
    "",
    ...table(
      ["Filter", "Regions", "Action", "Reason"],
      f.suppressions.map((s) => [code(s.name), s.regions.join(", ") || "-", s.action ?? "-", s.reason ?? "**no reason given**"]),
    ),
  ];
}

export function costSection(cost: CostEstimate): string[] {
  const t = cost.table;
  const out = [
    "",
    "### Estimated fixed monthly cost",
    "",
    ...table(
      ["Item", "Quantity", "Unit price", "Per month"],
      [
        ...cost.lines.map((l) => [l.label, `${l.quantity} ${l.unit}${l.quantity === 1 ? "" : "s"}`, money(l.unitPrice), money(l.monthly)]),
        ["**Total**", "", "", `**${money(cost.total)}**`],
      ],
    ),
    "",
    `An estimate of the fixed monthly cost only, at ${t.region} list prices in ${t.currency} (retrieved ${t.retrieved}, \`pricing/aws-list-prices.json\`); prices in other regions differ, and the free tier is not subtracted.`,
  ];
  const notes = cost.lines.filter((l) => l.note);
  if (notes.length) out.push("", ...notes.map((l) => `- ${l.label}: ${l.note}`));
  if (cost.usage.length) {
    out.push("", "Billed by usage, not included:");
    for (const u of cost.usage) out.push(`- ${u.label}: ${u.price} ([pricing](${u.source}))`);
  }
  return out;
}

function describeChange(c: ResourceChange): string {
  const what = `${typeLabel(c.type)} ${code(c.label)}${c.region ? ` (${c.region})` : ""}`;
  switch (c.change) {
    case "added":
      return `added: ${what}`;
    case "imported":
      return `adopted: ${what} is imported from AWS on the next apply, not created`;
    case "forgotten":
      return `forgotten: ${what} leaves Terraform's state and stays in AWS (removed block, destroy = false)`;
    case "removed":
      return `**destroyed**: ${what}${lossNote(c.type) ? `; ${lossNote(c.type)}` : ""}`;
    case "moved":
      return `moved: ${what} from ${code(c.reason ?? "?")} (same resource, no replacement)`;
    case "replaced": {
      const details = c.details?.length ? ` (${c.details.join("; ")})` : "";
      return `**replaced** (destroyed, then created): ${what}: ${c.reason ?? ""}${details}${lossNote(c.type) ? `; ${lossNote(c.type)}` : ""}`;
    }
    case "changed": {
      const covers = c.coversNewRegions?.length ? ` (now also covers ${c.coversNewRegions.join(", ")})` : "";
      const scalars = new Set(c.details?.map((d) => d.slice(0, d.indexOf(":"))));
      const others = (c.attributes ?? []).filter((a) => !scalars.has(a));
      return `changed in place: ${what}: ${[...(c.details ?? []), ...others].join("; ")}${covers}`;
    }
  }
}

function countByType(changes: readonly ResourceChange[]): string {
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(c.type, (counts.get(c.type) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([t, n]) => `${n} ${typeLabel(t)}`)
    .join(", ");
}

export function diffSection(d: StackDiff, against: string): string[] {
  const out = ["", `### Changes against ${code(against)}`, ""];
  if (d.status === "added") return [...out, `New stack: everything in it is created (regions ${d.regionsAdded.join(", ")}).`];
  if (d.status === "unchanged") return [...out, "No change."];
  if (d.destructive.length || d.settings.some((s) => s.startsWith("**"))) {
    out.push(`> [!WARNING]`, `> **${d.destructive.length} resource(s) will be destroyed or replaced.** Check the plan before merging.`);
    for (const c of d.destructive) out.push(`> - ${describeChange(c)}`);
    out.push("");
  }
  if (d.status === "removed")
    return [
      ...out,
      "The stack is gone from the output: `cdktf destroy` it (or its workspace) deliberately; nothing removes it on its own.",
    ];
  for (const s of d.settings) out.push(`- ${s}`);
  for (const r of d.regionsAdded)
    out.push(`- **Region added: ${r}** (${d.regionResources[r]?.length ?? 0} resources: ${countByType(d.regionResources[r] ?? [])})`);
  for (const r of d.regionsRemoved)
    out.push(
      `- **Region removed: ${r}** (${d.regionResources[r]?.length ?? 0} resources destroyed: ${countByType(d.regionResources[r] ?? [])})`,
    );
  for (const c of d.resources) out.push(`- ${describeChange(c)}`);
  return out;
}

export interface SummaryOptions {
  readonly prices: PriceTable;
  /** The older output and its path as shown, for `--against`. */
  readonly against?: { readonly label: string; readonly diffs: readonly StackDiff[] };
}

/** A stack's summary in named parts, so that parts equal to an earlier stack's can be shortened. */
export function stackParts(stack: Stack, options: SummaryOptions): Array<[part: string, lines: string[]]> {
  const f = describeStack(stack);
  const total = f.resourceCounts.reduce((n, [, c]) => n + c, 0);
  const parts: Array<[string, string[]]> = [
    ["header", [`## ${f.name}`, "", ...stackHeader(f)]],
    ["regions", ["", ...regionTable(f)]],
    [
      "resource types",
      [
        "",
        `<details><summary>Resources by type (${total})</summary>`,
        "",
        ...table(
          ["Type", "Count"],
          f.resourceCounts.map(([t, n]) => [code(t), String(n)]),
        ),
        "",
        "</details>",
      ],
    ],
    ["alarms", alarmsSection(f)],
    ["suppressions", suppressionSection(f)],
    ["alert flow", ["", "### Alert flow", "", "```mermaid", flowchart(stack), "```"]],
    ["cost", costSection(estimateCost(stack, options.prices))],
  ];
  const d = options.against?.diffs.find((x) => x.stack === stack.name);
  if (d && options.against) parts.push(["changes", diffSection(d, options.against.label)]);
  return parts;
}

export function stackSection(stack: Stack, options: SummaryOptions): string[] {
  return stackParts(stack, options).flatMap(([, lines]) => lines);
}

/** Parts that repeat an earlier stack's word for word are replaced by a pointer to it (many accounts, one config). */
const SHORTENED = new Set(["regions", "resource types", "alarms", "suppressions", "alert flow", "cost"]);

export function renderSummary(output: SynthOutput, options: SummaryOptions): string {
  const out = [COMMENT_MARKER, "# threat-alerts: what this configuration deploys", ""];
  out.push(
    `${output.stacks.size} stack(s): ${[...output.stacks.keys()].map(code).join(", ")}. Generated by \`npm run summary\` from the synthesized Terraform JSON; the plan (\`cdktf diff\`) is the authority on what changes in AWS.`,
  );
  const seen = new Map<string, string>();
  for (const stack of output.stacks.values()) {
    const parts = stackParts(stack, options);
    const same = new Map<string, string[]>(); // earlier stack -> parts equal to its
    const kept: string[][] = [];
    for (const [part, lines] of parts) {
      const key = `${part}\n${lines.join("\n")}`;
      const first = seen.get(key);
      if (first && SHORTENED.has(part) && lines.length) {
        same.set(first, [...(same.get(first) ?? []), part]);
        continue;
      }
      if (!first) seen.set(key, stack.name);
      kept.push(lines);
    }
    const [header, ...rest] = kept;
    out.push("", ...header);
    for (const [first, names] of same) out.push("", `Same as ${code(first)}: ${names.join(", ")}.`);
    out.push(...rest.flat());
  }
  for (const d of options.against?.diffs ?? []) {
    if (d.status === "removed") out.push("", `## ${d.stack} (removed)`, ...diffSection(d, options.against!.label));
  }
  return out.join("\n") + "\n";
}
