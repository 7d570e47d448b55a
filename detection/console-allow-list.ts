/**
 * The console sign-in allow-list (`cloudtrail.consoleLogin.allowedIps`) as a CloudWatch Logs
 * filter pattern, and the IP parsing behind it (ipaddr.js). Pure: the config check reports its
 * refusals with every other problem, and the alarm catalogue builds the pattern from it.
 */
import { IPv4, IPv6 } from "ipaddr.js";

/** CloudWatch Logs PutMetricFilter: filterPattern "Maximum length of 1024". */
export const MAX_FILTER_PATTERN_LENGTH = 1024;

/** A successful console sign-in, the part of the pattern every allow-list shares. */
export const CONSOLE_LOGIN_SUCCESS = `($.eventName = "ConsoleLogin") && ($.responseElements.ConsoleLogin = "Success")`;

const ALLOWED_IPS_PATH = "cloudtrail.consoleLogin.allowedIps";

/** A refused `consoleLogin.allowedIps` entry, meant to be shown as a config error (no stack trace). */
export class AllowListError extends Error {
  /** Every problem found, each with the config path it is about. */
  readonly issues: readonly { readonly path: string; readonly message: string }[];

  constructor(issues: readonly { readonly path: string; readonly message: string }[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
    this.name = "AllowListError";
    this.issues = issues;
  }
}

/**
 * The filter pattern for a successful console sign-in from none of `allowedIps`.
 *
 * Each entry becomes `($.sourceIPAddress != "<value>")`. The CloudWatch Logs docs use exactly this
 * form to find "the IP address being outside the subnet 123.123 prefix": `{ $.sourceIPAddress != 123.123.* }`
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html;
 * archived: https://github.com/awsdocs/amazon-cloudwatch-logs-user-guide/blob/1487b9496d8366bf7039a1efbeeb3a0702b42c50/doc_source/FilterAndPatternSyntax.md),
 * so `*` works inside `!=`. The same page says `*` matches text "at, before, or after a search term"
 * and "Ev*ent will only match the actual string Ev*ent", which is why wildcards may only replace
 * whole trailing octets here.
 * @throws AllowListError listing every refused entry.
 */
export function consoleLoginAllowListPattern(allowedIps: readonly string[]): { pattern: string; warnings: string[] } {
  const issues: { path: string; message: string }[] = [];
  const values: string[] = [];
  const seen = new Map<string, number>();
  allowedIps.forEach((raw, i) => {
    const path = `${ALLOWED_IPS_PATH}[${i}]`;
    const r = allowListValue(raw);
    if ("error" in r) {
      issues.push({ path, message: r.error });
      return;
    }
    const earlier = seen.get(r.value);
    if (earlier !== undefined) {
      issues.push({ path, message: `"${raw}" matches the same addresses as ${ALLOWED_IPS_PATH}[${earlier}]; remove one` });
      return;
    }
    seen.set(r.value, i);
    values.push(r.value);
  });
  if (issues.length > 0) throw new AllowListError(issues);

  if (values.length === 0) {
    return {
      pattern: `{ ${CONSOLE_LOGIN_SUCCESS} }`,
      warnings: [
        `${ALLOWED_IPS_PATH} is empty, so every successful console sign-in alarms (ConsoleLoginOutsideAllowList); list your office or VPN addresses to alarm only on the others`,
      ],
    };
  }
  const build = (vs: readonly string[]) => `{ ${CONSOLE_LOGIN_SUCCESS}${vs.map((v) => ` && ($.sourceIPAddress != "${v}")`).join("")} }`;
  const pattern = build(values);
  if (pattern.length > MAX_FILTER_PATTERN_LENGTH) {
    let fit = 0;
    while (fit < values.length && build(values.slice(0, fit + 1)).length <= MAX_FILTER_PATTERN_LENGTH) fit++;
    throw new AllowListError([
      {
        path: ALLOWED_IPS_PATH,
        message: `the ${values.length} entries make a ${pattern.length}-character filter pattern, but CloudWatch Logs allows at most ${MAX_FILTER_PATTERN_LENGTH}; only the first ${fit} entries fit. Merge neighbouring addresses into wider ranges (for example several x.y.z.0/24 into x.y.0.0/16) or sign in through a VPN with fewer egress addresses`,
      },
    ]);
  }
  return { pattern, warnings: [] };
}

/** A decimal octet as CloudTrail writes it: 0-255, no leading zero. */
const isOctet = (s: string) => IPv4.isValidFourPartDecimal(`${s}.0.0.0`);

/** The `sourceIPAddress` value for one entry, or why it is refused. */
function allowListValue(raw: string): { value: string } | { error: string } {
  const s = raw.trim();
  if (s === "")
    return {
      error: `the entry is empty; write an IPv4 address like 198.51.100.7, a wildcard like 198.51.100.*, or a CIDR like 198.51.100.0/24`,
    };
  if (s === "*" || s === "0.0.0.0/0" || s === "::/0") {
    return {
      error: `"${raw}" allows every address, so the alarm could never fire; to turn it off remove cloudtrail.consoleLogin, or set cloudtrail.alarms.ConsoleLoginOutsideAllowList.enabled: false`,
    };
  }
  if (s.includes(":")) return ipv6Value(raw, s);

  const cidr = /^([^/]+)\/(\d{1,2})$/.exec(s);
  if (cidr) return ipv4CidrValue(raw, cidr[1], Number(cidr[2]));
  if (s.includes("/")) return { error: `"${raw}" is not a CIDR; write it like 198.51.100.0/24 (prefix length 8, 16, 24 or 32)` };

  // Four-part decimal only: ipaddr.js's general parser also takes octal, hex and short forms,
  // which CloudTrail never writes.
  if (IPv4.isValidFourPartDecimal(s)) return { value: s };
  const parts = s.split(".");
  if (parts.length >= 2 && parts.length <= 4 && parts[parts.length - 1] === "*" && parts.slice(0, -1).every(isOctet)) return { value: s };
  if (s.includes("*")) {
    return {
      error: `"${raw}" is not a supported wildcard: "*" may only replace whole octets at the end, like 198.51.100.* or 10.*, because CloudWatch Logs treats a "*" elsewhere as a literal character (and 198.51.100.1* would also match 198.51.100.100-199)`,
    };
  }
  if (parts.length === 4 && parts.every((p) => /^\d+$/.test(p))) {
    // Not a valid four-part decimal, so some part is not an octet.
    const bad = parts.find((p) => !isOctet(p)) ?? s;
    return {
      error: `"${raw}" is not an IPv4 address: "${bad}" ${Number(bad) > 255 ? "is above 255" : "has a leading zero (CloudTrail writes 10.0.0.1, never 10.000.000.001)"}`,
    };
  }
  return {
    error: `"${raw}" is not an IP address; write an IPv4 address like 198.51.100.7, a wildcard like 198.51.100.*, a CIDR like 198.51.100.0/24, or an IPv6 address like 2001:db8::1`,
  };
}

function ipv4CidrValue(raw: string, address: string, prefix: number): { value: string } | { error: string } {
  if (!IPv4.isValidFourPartDecimal(address))
    return { error: `"${raw}" is not a CIDR: "${address}" is not an IPv4 address; write it like 198.51.100.0/24` };
  if (prefix > 32) return { error: `"${raw}" has prefix length ${prefix}; an IPv4 prefix is 0 to 32` };
  const networkOf = (bits: number) => IPv4.networkAddressFromCIDR(`${address}/${bits}`).toString();
  const network = networkOf(prefix);
  if (network !== address) return { error: `"${raw}" has host bits set after the /${prefix}; did you mean ${network}/${prefix}?` };
  if (prefix % 8 === 0) {
    if (prefix === 32) return { value: address };
    return {
      value: `${address
        .split(".")
        .slice(0, prefix / 8)
        .join(".")}.*`,
    };
  }
  // Filter patterns only have string prefixes, so a range must end on an octet boundary.
  const narrower = Math.ceil(prefix / 8) * 8;
  const wider = Math.floor(prefix / 8) * 8;
  const count = 2 ** (narrower - prefix);
  const last = IPv4.networkAddressFromCIDR(`${IPv4.broadcastAddressFromCIDR(`${address}/${prefix}`).toString()}/${narrower}`);
  const widen = wider === 0 ? "" : ` or widen it to ${networkOf(wider)}/${wider}`;
  return {
    error: `"${raw}": a /${prefix} can't be written as a filter pattern, which only matches whole octets (/8, /16, /24, /32). Split ${address}/${prefix} into ${count} /${narrower}s (${network}/${narrower} ... ${last.toString()}/${narrower})${widen}`,
  };
}

/**
 * IPv6: exact addresses only, written in the RFC 5952 form (lower case, longest zero run as "::"),
 * as CloudTrail writes them. A prefix wildcard is refused because the text of an address depends on
 * "::" compression, so "2001:db8:0:*" would not match 2001:db8::1 although it is inside 2001:db8::/48.
 */
function ipv6Value(raw: string, s: string): { value: string } | { error: string } {
  if (s.includes("*") || s.includes("/")) {
    return {
      error: `"${raw}": IPv6 ranges and wildcards aren't supported, because "::" compression changes the text of addresses inside a prefix and filter patterns compare text; list exact IPv6 addresses like 2001:db8::1`,
    };
  }
  // Hex groups only: no zone id (%eth0) or embedded IPv4, which have no single text form to match.
  if (!/^[0-9a-fA-F:]+$/.test(s) || !IPv6.isValid(s)) return { error: `"${raw}" is not an IPv6 address; write it like 2001:db8::1` };
  return { value: IPv6.parse(s).toRFC5952String() };
}
