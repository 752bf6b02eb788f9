// A read-only map that a new version can be made of cheaply: a large base shared by every version, and a small
// layer of the keys changed since the base was made (null marks a key removed). A table of 10,000 hosts is
// recompiled after each change; copying its host map each time would cost more than the change itself. Once the
// layer grows past a share of the base, the next version folds it into a new base.

/** Folded into a new base when the layer holds more keys than this share of the base (and than MIN_FOLD). */
const FOLD_SHARE = 1 / 16;
const MIN_FOLD = 64;

export class LayeredMap<V> {
  private constructor(
    private readonly base: ReadonlyMap<string, V>,
    /** Keys changed since `base`; null when none (the usual case for a lookup to skip). */
    private readonly layer: ReadonlyMap<string, V | null> | null,
    readonly size: number,
  ) {}

  /** Takes `map` over: it must not be changed afterwards. */
  static of<V>(map: ReadonlyMap<string, V>): LayeredMap<V> {
    return new LayeredMap(map, null, map.size);
  }

  get(key: string): V | undefined {
    if (this.layer !== null) {
      const value = this.layer.get(key);
      if (value !== undefined) return value ?? undefined;
    }
    return this.base.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** A new version with `changes` applied (undefined removes a key); this one is left as it is. */
  with(changes: ReadonlyMap<string, V | undefined>): LayeredMap<V> {
    if (changes.size === 0) return this;
    const layer = new Map<string, V | null>(this.layer ?? []);
    let size = this.size;
    for (const [key, value] of changes) {
      const had = this.has(key);
      if (value === undefined) {
        if (had) size--;
        if (this.base.has(key)) layer.set(key, null);
        else layer.delete(key);
      } else {
        if (!had) size++;
        layer.set(key, value);
      }
    }
    if (layer.size <= Math.max(MIN_FOLD, this.base.size * FOLD_SHARE)) {
      return new LayeredMap(this.base, layer.size > 0 ? layer : null, size);
    }
    const folded = new Map(this.base);
    for (const [key, value] of layer) {
      if (value === null) folded.delete(key);
      else folded.set(key, value);
    }
    return new LayeredMap(folded, null, size);
  }

  *entries(): IterableIterator<[string, V]> {
    for (const [key, value] of this.base) {
      if (this.layer === null || !this.layer.has(key)) yield [key, value];
    }
    if (this.layer !== null) {
      for (const [key, value] of this.layer) if (value !== null) yield [key, value];
    }
  }
}
