/**
 * What a GuardDuty trusted IP list (format TXT: one address or CIDR block per line) may hold.
 * https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-lists-prerequisites.html
 */
import ipaddr from "ipaddr.js";

/** Why an IP list entry is refused, or undefined when GuardDuty can take it. */
export function trustedIpProblem(value: string): string | undefined {
  const v = value.trim();
  if (v.includes("/")) {
    if (!ipaddr.isValidCIDR(v)) return `"${value}" is not a CIDR block; use e.g. 198.51.100.0/24`;
    const [address, prefix] = ipaddr.parseCIDR(v);
    const network = address.kind() === "ipv4" ? ipaddr.IPv4.networkAddressFromCIDR(v) : ipaddr.IPv6.networkAddressFromCIDR(v);
    const widest = address.kind() === "ipv4" ? 8 : 32;
    if (prefix < widest)
      return `"${value}" would trust ${address.kind() === "ipv4" ? "millions" : "an enormous range"} of addresses and silence GuardDuty for them; use a prefix of /${widest} or longer`;
    if (network.toString() !== address.toString()) return `"${value}" has host bits set; did you mean ${network.toString()}/${prefix}?`;
    return undefined;
  }
  if (!ipaddr.isValid(v)) return `"${value}" is not an IP address or CIDR block; use e.g. 198.51.100.7 or 198.51.100.0/24`;
  return undefined;
}
