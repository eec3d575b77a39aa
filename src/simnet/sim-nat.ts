/** A NAT router placed in the virtual network: its external attachment, its private realm and its table. */
import type { TransportAddress } from '../util/address.js';
import type { NatBehavior } from './nat-behavior.js';
import type { NatCounters } from './nat-table.js';
import { NatTable } from './nat-table.js';
import { SimnetError } from './errors.js';
import type { Attachment, Realm } from './realm.js';

/** Built by {@link VirtualNetwork.addNat}. */
export class SimNat {
  readonly table: NatTable;
  #external: Attachment | undefined;
  readonly inside: Realm;

  /** @internal */
  constructor(
    readonly name: string,
    readonly externalIp: string,
    readonly family: TransportAddress['family'],
    behavior: NatBehavior,
    makeInside: (nat: SimNat) => Realm,
    randomInt: (n: number) => number,
    oneToOneIp: string | undefined,
  ) {
    this.inside = makeInside(this);
    const inside = this.inside;
    this.table = new NatTable({
      externalIp,
      family,
      randomInt,
      // The configured internal IP, else the first host address of this family inside.
      oneToOneInternalIp: () => oneToOneIp ?? inside.attachments().find((a) => a.kind === 'host' && a.family === family)?.ip,
    }, behavior);
  }

  /** RFC 4787 behaviour of this NAT. */
  get behavior(): NatBehavior {
    return this.table.behavior;
  }

  /** Cumulative counters (mappings created/expired, translations, drops by reason, hairpins). */
  get counters(): Readonly<NatCounters> {
    return this.table.counters;
  }

  /** @internal The attachment on the parent realm. */
  get external(): Attachment {
    if (this.#external === undefined) throw new SimnetError(`NAT ${this.name} is not attached`);
    return this.#external;
  }

  /** @internal */
  setExternal(a: Attachment): void {
    this.#external = a;
  }
}
