/**
 * What to tell a user whose region value is not a region threat-alerts knows, by the likely cause.
 */
import { KNOWN_REGIONS } from "./regions";

const ALL_FIX = "regions: all means the 17 default regions";

export function unknownRegionMessage(input: unknown): string {
  const value = String(input);
  if (value === "all") return `"all" is not a region code; write regions: all without brackets for the 17 default regions, or list codes`;
  if (typeof input === "string" && KNOWN_REGIONS.has(input.trim().toLowerCase()))
    return `"${value}": region codes are lowercase; write ${input.trim().toLowerCase()}`;
  if (/^us-gov-/.test(value))
    return `"${value}" is an AWS GovCloud (US) region: not supported yet (threat-alerts covers the commercial partition's regions)`;
  if (/^cn-/.test(value))
    return `"${value}" is an AWS China region: not supported yet (threat-alerts covers the commercial partition's regions)`;
  return `"${value}" is not an AWS region name; use a code like us-east-1 or eu-west-1 (${ALL_FIX})`;
}
