import { BlockList, isIPv4, isIPv6 } from "node:net";

/**
 * The address ranges a webhook may never reach (webhooks.md §4.1), as `net.BlockList`s so
 * that CIDR matching is Node's own, exact and maintained, rather than string prefixes.
 * The spec names loopback, private, link-local, unique-local and unspecified ranges; the
 * lists add the other ranges that are not globally reachable and could name something on the
 * host's side of the network: shared address space, IETF protocol assignments, benchmarking,
 * multicast, reserved and broadcast.
 */
const REFUSED_IPV4: readonly (readonly [string, number])[] = [
  ["0.0.0.0", 8], // "this network", including the unspecified address
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // shared address space (carrier-grade NAT)
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, including cloud metadata at 169.254.169.254
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved
  ["255.255.255.255", 32], // limited broadcast
];

/**
 * IPv6 ranges refused outright. The forms that carry an IPv4 address whose meaning depends on
 * that address (IPv4-mapped, IPv4-translated, NAT64's well-known prefix, 6to4) are not here:
 * their embedded address is checked against the IPv4 list instead (see `embeddedIPv4`).
 */
const REFUSED_IPV6: readonly (readonly [string, number])[] = [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["::", 96], // IPv4-compatible (deprecated; never a real destination)
  ["64:ff9b:1::", 48], // local-use NAT64 (RFC 8215): translated by the site's own gateway
  ["100::", 64], // discard-only
  ["2001::", 32], // Teredo: tunnels to an obfuscated IPv4 address
  ["fc00::", 7], // unique-local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated, still routed internally by some stacks)
  ["ff00::", 8], // multicast
];

const ipv4List = new BlockList();
for (const [network, prefix] of REFUSED_IPV4) ipv4List.addSubnet(network, prefix, "ipv4");
const ipv6List = new BlockList();
for (const [network, prefix] of REFUSED_IPV6) ipv6List.addSubnet(network, prefix, "ipv6");

/**
 * Whether an IP address is one a webhook must not reach. Anything that is not a well-formed
 * IPv4 or IPv6 address is refused too: the check fails closed.
 */
export function isRefusedAddress(address: string): boolean {
  if (isIPv4(address)) return ipv4List.check(address, "ipv4");
  const bare = withoutZone(address);
  if (!isIPv6(bare)) return true;
  if (ipv6List.check(bare, "ipv6")) return true;
  const hextets = parseIPv6(bare);
  if (hextets === null) return true;
  const embedded = embeddedIPv4(hextets);
  return embedded !== null && ipv4List.check(embedded, "ipv4");
}

/**
 * The IPv4 address that an IPv6 address of an IPv4-carrying form reaches (see `embeddedIPv4`),
 * or null: `::ffff:a9fe:a9fe` → `169.254.169.254`.
 */
export function embeddedIPv4Of(address: string): string | null {
  const bare = withoutZone(address);
  if (!isIPv6(bare)) return null;
  const hextets = parseIPv6(bare);
  return hextets === null ? null : embeddedIPv4(hextets);
}

/** `fe80::1%eth0` → `fe80::1`: a zone names an interface, not part of the address. */
function withoutZone(address: string): string {
  const percent = address.indexOf("%");
  return percent === -1 ? address : address.slice(0, percent);
}

/**
 * The IPv4 address an IPv6 address stands for, when it is of a form that reaches one:
 * IPv4-mapped `::ffff:a.b.c.d`, IPv4-translated `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`
 * (these three in the low 32 bits) and 6to4 `2002:aabb:ccdd::/48` (bits 16–47).
 */
function embeddedIPv4(h: readonly number[]): string | null {
  const zero = (from: number, to: number) => h.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && h[5] === 0xffff) return ipv4Of(h[6], h[7]);
  if (zero(0, 4) && h[4] === 0xffff && h[5] === 0) return ipv4Of(h[6], h[7]);
  if (h[0] === 0x64 && h[1] === 0xff9b && zero(2, 6)) return ipv4Of(h[6], h[7]);
  if (h[0] === 0x2002) return ipv4Of(h[1], h[2]);
  return null;
}

function ipv4Of(high: number | undefined, low: number | undefined): string {
  const a = high ?? 0;
  const b = low ?? 0;
  return `${a >> 8}.${a & 0xff}.${b >> 8}.${b & 0xff}`;
}

/** The eight 16-bit groups of a well-formed IPv6 address (already checked by `isIPv6`). */
function parseIPv6(address: string): number[] | null {
  let text = address.toLowerCase();
  // A trailing dotted quad stands for the last two groups.
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad !== null) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    const groups = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
    text = text.slice(0, quad.index) + groups;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (part: string | undefined) => (part ? part.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const hextets = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  if (hextets.length !== 8 || hextets.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return null;
  return hextets;
}
