/**
 * Remote endpoints matched to a local reader or writer, found by (GuidPrefix, EntityId) without
 * allocating a key per datagram (the prefix is usually a view into the datagram).
 */
import type { EntityId, Guid, GuidPrefix } from '../rtps/index.js';
import { guidPrefixEquals } from '../rtps/index.js';

export interface HasGuid {
  readonly guid: Guid;
}

export class ProxyTable<P extends HasGuid> {
  readonly #byEntity = new Map<EntityId, P[]>();
  readonly #all: P[] = [];

  /** Every proxy, in the order added; do not mutate. */
  get all(): readonly P[] {
    return this.#all;
  }

  get size(): number {
    return this.#all.length;
  }

  find(prefix: GuidPrefix, entityId: EntityId): P | undefined {
    const list = this.#byEntity.get(entityId);
    if (list === undefined) return undefined;
    for (const p of list) if (guidPrefixEquals(p.guid.prefix, prefix)) return p;
    return undefined;
  }

  /** Adds `p`; false (and nothing changes) if a proxy with the same GUID exists. */
  add(p: P): boolean {
    if (this.find(p.guid.prefix, p.guid.entityId) !== undefined) return false;
    const list = this.#byEntity.get(p.guid.entityId);
    if (list === undefined) this.#byEntity.set(p.guid.entityId, [p]);
    else list.push(p);
    this.#all.push(p);
    return true;
  }

  /** Removes and returns the proxy with this GUID, if any. */
  remove(guid: Guid): P | undefined {
    const p = this.find(guid.prefix, guid.entityId);
    if (p === undefined) return undefined;
    const list = this.#byEntity.get(guid.entityId);
    if (list !== undefined) {
      list.splice(list.indexOf(p), 1);
      if (list.length === 0) this.#byEntity.delete(guid.entityId);
    }
    this.#all.splice(this.#all.indexOf(p), 1);
    return p;
  }

  clear(): void {
    this.#byEntity.clear();
    this.#all.length = 0;
  }
}
