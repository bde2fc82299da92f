/** IPv4 CIDR arithmetic for config validation. */
export interface Cidr {
  text: string;
  first: number;
  last: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function parseCidr(text: string): Cidr | undefined {
  const match = CIDR.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return undefined; // host bits set: "10.0.1.5/24" is not a network
  return { text, first: address, last: address + size - 1 };
}

export const contains = (outer: Cidr, inner: Cidr) => inner.first >= outer.first && inner.last <= outer.last;
export const overlaps = (a: Cidr, b: Cidr) => a.first <= b.last && b.first <= a.last;
