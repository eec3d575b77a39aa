/**
 * Realms (RFC 4787 §2: the address realms a NAT joins): the public internet or the private side of one
 * NAT. A realm maps IPs to the nodes attached to it; private realms may reuse the same addresses.
 */
import type { IpFamily } from '../util/address.js';
import { transportAddress } from '../util/address.js';
import { InvalidConfigError } from '../util/errors.js';
import type { ResolvedLink } from './link.js';
import type { SimHost } from './host.js';
import type { SimNat } from './sim-nat.js';

/** A node's presence on a realm: one IP plus the link that joins it (`up` = towards the realm). */
export type Attachment =
  | { readonly kind: 'host'; readonly host: SimHost; readonly ip: string; readonly family: IpFamily; readonly realm: Realm; readonly up: ResolvedLink; readonly down: ResolvedLink }
  | { readonly kind: 'nat'; readonly nat: SimNat; readonly ip: string; readonly family: IpFamily; readonly realm: Realm; readonly up: ResolvedLink; readonly down: ResolvedLink };

/** An address realm: the internet (`nat` undefined) or the inside of `nat`. */
export class Realm {
  readonly #byIp = new Map<string, Attachment>();
  #nextV4 = 2;
  #nextV6 = 2;

  /**
   * @param name for traces
   * @param index 0 for the internet, 1… for private realms (chooses the auto-assigned prefixes)
   * @param nat the NAT whose inside this is, or undefined for the internet
   */
  constructor(readonly name: string, readonly index: number, readonly nat: SimNat | undefined) {}

  /** The node owning `ip` in this realm, if any. */
  lookup(ip: string): Attachment | undefined {
    return this.#byIp.get(ip);
  }

  /** Every attachment, in attach order. */
  attachments(): readonly Attachment[] {
    return [...this.#byIp.values()];
  }

  /**
   * A normalised, unused IP: `ip` when given, else the next automatic one — IPv4 198.18.x.y (RFC 2544
   * benchmarking range) on the internet and 10.<realm>.x.y inside NATs; IPv6 2001:db8:: (RFC 3849) on
   * the internet and fd00:<realm>:: inside.
   * @throws InvalidConfigError when `ip` is taken in this realm or not an IP.
   */
  claimIp(family: IpFamily, ip?: string): string {
    if (ip !== undefined) {
      const norm = transportAddress(ip, 0).ip;
      if (this.#byIp.has(norm)) throw new InvalidConfigError('ip', `${norm} already used in realm ${this.name}`);
      return norm;
    }
    for (;;) {
      const candidate = family === 'IPv4' ? this.#autoV4(this.#nextV4++) : this.#autoV6(this.#nextV6++);
      if (!this.#byIp.has(candidate)) return candidate;
    }
  }

  /** @internal Registers an attachment (its IP must come from {@link claimIp}). */
  attach(a: Attachment): void {
    this.#byIp.set(a.ip, a);
  }

  #autoV4(n: number): string {
    if (n > 65_000) throw new InvalidConfigError('ip', `realm ${this.name} ran out of automatic addresses`);
    const hi = n >> 8;
    const lo = n & 0xff;
    return this.index === 0 ? `198.18.${hi}.${lo}` : `10.${this.index & 0xff}.${hi}.${lo}`;
  }

  #autoV6(n: number): string {
    return this.index === 0 ? `2001:db8::${n.toString(16)}` : `fd00:${this.index.toString(16)}::${n.toString(16)}`;
  }
}
