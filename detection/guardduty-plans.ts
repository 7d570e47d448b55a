/**
 * Where each GuardDuty protection plan exists. GuardDuty itself runs in every region threat-alerts
 * accepts, but some plans are missing in some regions; a feature resource for a plan a region lacks
 * fails at apply ("The request is rejected because the feature is not supported in this region").
 *
 * Source: Amazon GuardDuty User Guide, "Regions and endpoints" > "Region-specific feature
 * availability" (read 2026-11): https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_regions.html
 *
 * To update: add or remove region codes below, one line per plan that AWS lists as missing
 * somewhere. A plan not listed here is taken to exist in every region.
 */

/** GuardDuty feature name (the API's `DetectorFeature`) -> regions where AWS does not offer it. */
export const PLAN_UNAVAILABLE_IN: Readonly<Record<string, readonly string[]>> = {
  // "RDS Protection is not supported in Asia Pacific (Taipei) (ap-east-2) Region."
  RDS_LOGIN_EVENTS: ["ap-east-2"],
};

/** True when GuardDuty offers the plan (a feature name such as RDS_LOGIN_EVENTS) in the region. */
export function planAvailableIn(feature: string, region: string): boolean {
  return !(PLAN_UNAVAILABLE_IN[feature] ?? []).includes(region);
}
