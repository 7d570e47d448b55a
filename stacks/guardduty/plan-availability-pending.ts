/**
 * TEMPORARY stand-in for `detection/guardduty-plans.ts` (the firstday branch), with the agreed
 * signature; replaced by an import of that module when the branches meet.
 */
const PLAN_UNAVAILABLE_IN: Readonly<Record<string, readonly string[]>> = {
  RDS_LOGIN_EVENTS: ["ap-east-2"],
};

export function planAvailableIn(feature: string, region: string): boolean {
  return !(PLAN_UNAVAILABLE_IN[feature] ?? []).includes(region);
}
