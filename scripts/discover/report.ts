/**
 * Renders what discover found: a per-account, per-region report for the terminal, and the
 * `guardduty.existingDetectors` YAML to paste into the config. Pure functions.
 */
import { stringify } from "yaml";
import { OPT_IN_REGIONS } from "../../config/regions";
import type { AccountResult, FoundDetector } from "./model";

/** account key -> region -> detector id, for regions with exactly one detector. */
export function adoptable(accounts: readonly AccountResult[]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const account of accounts) {
    const byRegion = new Map<string, string>();
    for (const r of account.regions) if (r.detectors?.length === 1) byRegion.set(r.region, r.detectors[0].id);
    if (byRegion.size > 0) out.set(account.key, byRegion);
  }
  return out;
}

/** A YAML plain scalar when that reads back as the same string, else quoted (`"null"`, `"yes"`). */
function scalar(s: string): string {
  return stringify(s).trimEnd();
}

/** The YAML to paste (stdout); a comment only when there is nothing to adopt. */
export function renderYaml(accounts: readonly AccountResult[], manageDetector: boolean): string {
  if (!manageDetector)
    return "# guardduty.manageDetector is false: the detectors are managed elsewhere and only alerted on, so there is nothing to adopt.\n";
  const found = adoptable(accounts);
  if (found.size === 0) return "# No existing GuardDuty detectors in the configured accounts and regions: nothing to adopt.\n";
  const lines = ["guardduty:", "  existingDetectors: # per account name (or `default` for the credentials' own account), per region"];
  for (const [key, byRegion] of found) {
    const entries = [...byRegion].map(([region, id]) => `${scalar(region)}: ${scalar(id)}`);
    lines.push(`    ${scalar(key)}: { ${entries.join(", ")} }`);
  }
  return `${lines.join("\n")}\n`;
}

function suspendedNote(region: string, d: FoundDetector, manageDetector: boolean): string {
  return (
    `${region}: the detector is suspended (status ${d.status}): no findings until it is on again; ` +
    (manageDetector ? "adopting it turns it back on at the first apply (the stack manages it enabled)" : "its owner has to resume it")
  );
}

/** One note per administrator account, listing the regions where this account is its member. */
function memberNotes(detectors: ReadonlyArray<{ region: string; d: FoundDetector }>): string[] {
  const byAdmin = new Map<string, string[]>();
  for (const { region, d } of detectors) {
    if (!d.administrator) continue;
    const key = `${d.administrator.accountId}${d.administrator.relationship ? ` (relationship ${d.administrator.relationship})` : ""}`;
    byAdmin.set(key, [...(byAdmin.get(key) ?? []), region]);
  }
  return [...byAdmin].map(
    ([admin, regions]) =>
      `${regions.join(", ")}: this account is a GuardDuty member of administrator account ${admin}: the administrator can change ` +
      "these detectors' protection plans too; if it manages them, use guardduty.manageDetector: false (alert only) instead of adopting",
  );
}

/** `guardduty.existingDetectors` as configured: account key -> region -> detector id. */
export type Configured = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** How a region's finding compares with the config's existingDetectors entry. */
function versusConfig(found: string | undefined, configured: string | undefined): string {
  if (configured === undefined) return found ? " (new: not in the config yet)" : "";
  if (found === configured) return " (adopted in the config)";
  if (found) return ` (the config adopts ${configured}: replace it)`;
  return `; the config adopts ${configured} here: remove that entry, the import would fail`;
}

/** The terminal report (stderr): one block per account, one line per region, then its notes. */
export function renderReport(accounts: readonly AccountResult[], manageDetector: boolean, configured: Configured = {}): string[] {
  const lines: string[] = [];
  const width = Math.max(0, ...accounts.flatMap((a) => a.regions.map((r) => r.region.length))) + 2;
  for (const account of accounts) {
    const who = [account.accountId, account.roleArn ? `via ${account.roleArn}` : undefined].filter(Boolean).join(", ");
    lines.push(`${account.key}${who ? ` (${who})` : ""}`);
    if (account.problem) {
      lines.push(`  skipped: ${account.problem.message}`);
      continue;
    }
    const notes: string[] = [];
    const found: Array<{ region: string; d: FoundDetector }> = [];
    for (const r of account.regions) {
      const at = `  ${r.region.padEnd(width)}`;
      if (r.problem) {
        const hint =
          r.problem.kind === "region-not-enabled"
            ? (OPT_IN_REGIONS as readonly string[]).includes(r.region)
              ? "; an opt-in region: enable it in the account's AWS Regions settings, or remove it from regions"
              : ""
            : "";
        lines.push(`${at}not listed: ${r.problem.message}${hint}`);
      } else if (!r.detectors || r.detectors.length === 0) {
        lines.push(`${at}no detector (one is created on deploy)${versusConfig(undefined, configured[account.key]?.[r.region])}`);
      } else if (r.detectors.length > 1) {
        lines.push(`${at}${r.detectors.length} detectors (${r.detectors.map((d) => d.id).join(", ")}): GuardDuty allows one; not adopted`);
      } else {
        const d = r.detectors[0];
        const mark = manageDetector ? versusConfig(d.id, configured[account.key]?.[r.region]) : "";
        lines.push(`${at}${d.id}${d.status === "ENABLED" ? "" : " (suspended)"}${mark}`);
      }
      for (const d of r.detectors ?? []) {
        found.push({ region: r.region, d });
        if (d.status !== "ENABLED") notes.push(suspendedNote(r.region, d, manageDetector));
      }
      notes.push(...r.notes.map((n) => `${r.region}: ${n}`));
    }
    lines.push(...[...memberNotes(found), ...notes].map((n) => `  note: ${n}`));
  }
  return lines;
}

/** Regions or accounts that could not be listed for a reason other than a region not being enabled. */
export function failures(accounts: readonly AccountResult[]): string[] {
  const out: string[] = [];
  for (const a of accounts) {
    if (a.problem) out.push(a.key);
    for (const r of a.regions) if (r.problem && r.problem.kind !== "region-not-enabled") out.push(`${a.key} ${r.region}`);
  }
  return out;
}
