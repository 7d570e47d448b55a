/**
 * The synth's note about protection plans GuardDuty does not offer in a configured region: those
 * get no feature resource (stacks/guardduty/detector.ts), and the user should know.
 */
import type { Config } from "../config/load";
import type { GuardDutyFeatures } from "../config/schema";
import { planAvailableIn } from "../detection/guardduty-plans";
import { FEATURES } from "./guardduty/detector";

/** One line per enabled plan that is skipped somewhere, naming the regions. */
export function skippedPlanNotes(config: Pick<Config, "regions" | "guardduty">): string[] {
  if (!config.guardduty.manageDetector) return [];
  const notes: string[] = [];
  for (const [key, feature] of Object.entries(FEATURES) as [keyof GuardDutyFeatures, { name: string }][]) {
    if (!config.guardduty.features[key]) continue;
    const missing = config.regions.filter((r) => !planAvailableIn(feature.name, r));
    if (missing.length > 0)
      notes.push(
        `guardduty.features.${key}: GuardDuty does not offer ${feature.name} in ${missing.join(", ")}; skipped there (detection/guardduty-plans.ts)`,
      );
  }
  return notes;
}
