// Merging the objects of every manifest file into one sorted, frozen array per kind, once per change. With
// 30,000 objects the merge runs on every edit, so it avoids repeating work: each object's key is computed once
// (objects are never mutated, and unchanged documents keep their instances), and a kind whose objects are the
// same instances in the same order as last time keeps its previous array, so that consumers can tell by identity
// that nothing of that kind changed.
//
// The usual edit changes one file and defines no object twice: then only that file's objects are looked at (its
// files' object arrays are told apart by instance), and each kind they touch gets a copy of its previous sorted
// array with the removed objects left out and the new ones put in place, which is what a whole merge would give.
// Anything else (a duplicate before or after, many objects changed) takes the whole merge.
import { objectKey, type KubeObject } from "./kube-object";
import type { ManifestObject } from "./manifest-reader";
import type { ResourceKind } from "./resource-kinds";

type StateKey = ResourceKind["stateKey"];

/** An object that lost to an earlier definition of the same kind, namespace and name. */
export interface DuplicateObject {
  readonly kind: ResourceKind;
  /** `namespace/name`, or `name` for cluster-scoped kinds. */
  readonly key: string;
  readonly path: string;
  readonly line: number;
  readonly keptPath: string;
  readonly keptLine: number;
}

/** "Kind namespace/name" (or "Kind name"): an object's identity across kinds. */
function originKeyOf(kind: ResourceKind, object: KubeObject): string {
  return `${kind.kind} ${objectKey(kind, object.metadata ?? {})}`;
}

interface KindResult {
  /** The winners in file order, to tell whether anything changed since the last merge. */
  readonly inFileOrder: readonly KubeObject[];
  readonly sorted: readonly KubeObject[];
}

/** Above this share of all objects changed at once, the whole merge is the cheaper way. */
const WHOLE_MERGE_SHARE = 1 / 8;

type FileObjects = readonly [path: string, objects: readonly ManifestObject[]];

export class MergedObjects {
  private previous = new Map<StateKey, KindResult>();
  /** The files of the last merge, and its result; `clean` when it had no duplicate. */
  private lastFiles = new Map<string, readonly ManifestObject[]>();
  private lastByKind = new Map<StateKey, readonly KubeObject[]>();
  private clean = false;
  private objectCount = 0;

  /**
   * Each kind's objects, sorted by namespace and name, from `files` in their order (the first definition of an
   * object wins); the duplicates that lost are returned for logging.
   */
  merge(files: Iterable<FileObjects>): {
    byKind: ReadonlyMap<StateKey, readonly KubeObject[]>;
    duplicates: DuplicateObject[];
  } {
    const list = [...files];
    const byKind = this.mergeChanges(list) ?? this.mergeWhole(list);
    this.lastFiles = new Map(list);
    this.lastByKind = byKind.byKind;
    return byKind;
  }

  /** The merge from the last one and the files that changed since, or null when the whole merge must run. */
  private mergeChanges(files: readonly FileObjects[]): {
    byKind: Map<StateKey, readonly KubeObject[]>;
    duplicates: DuplicateObject[];
  } | null {
    if (!this.clean) return null;
    const paths = new Set<string>();
    const changed = new Set<string>();
    const added: ManifestObject[] = [];
    for (const [path, objects] of files) {
      paths.add(path);
      if (this.lastFiles.get(path) === objects) continue;
      changed.add(path);
      added.push(...objects);
    }
    const removed: ManifestObject[] = [];
    for (const [path, objects] of this.lastFiles) {
      if (!paths.has(path)) changed.add(path);
      if (changed.has(path)) removed.push(...objects);
    }
    if (changed.size === 0) return { byKind: new Map(this.lastByKind), duplicates: [] };
    if (added.length + removed.length > Math.max(64, this.objectCount * WHOLE_MERGE_SHARE)) return null;
    const before = new Set(removed.map((m) => m.object));
    // Defined twice now, among the changed files or beside an object of an unchanged one (found by its place
    // in the sorted array): the whole merge reports which one wins.
    const keys = new Set<string>();
    for (const { kind, object } of added) {
      const key = originKeyOf(kind, object);
      if (keys.has(key)) return null;
      keys.add(key);
      if (before.has(object)) continue;
      const sorted = this.lastByKind.get(kind.stateKey) ?? [];
      const twin = sorted[placeOf(sorted, object)];
      if (twin !== undefined && sortKeyOf(twin) === sortKeyOf(object) && !before.has(twin)) return null;
    }
    const kept = new Set(added.map((m) => m.object));
    const gone = new Set<KubeObject>();
    const kinds = new Map<StateKey, { gone: boolean; added: KubeObject[] }>();
    const touched = (kind: ResourceKind) => {
      let entry = kinds.get(kind.stateKey);
      if (!entry) kinds.set(kind.stateKey, (entry = { gone: false, added: [] }));
      return entry;
    };
    for (const { kind, object } of removed) {
      if (!kept.has(object)) {
        gone.add(object);
        touched(kind).gone = true;
      }
    }
    for (const { kind, object } of added) if (!before.has(object)) touched(kind).added.push(object);
    this.objectCount += added.length - removed.length;
    this.previous.clear(); // its file-order lists are out of date; a whole merge makes new arrays
    const byKind = new Map(this.lastByKind);
    for (const [stateKey, change] of kinds) {
      // Spread, then filter in place: V8's filter and slice of a frozen array take a slow path.
      const sorted = [...(byKind.get(stateKey) ?? [])];
      if (change.gone) {
        let kept = 0;
        for (const object of sorted) if (!gone.has(object)) sorted[kept++] = object;
        sorted.length = kept;
      }
      for (const object of change.added) insertSorted(sorted, object);
      if (sorted.length === 0) byKind.delete(stateKey);
      else byKind.set(stateKey, Object.freeze(sorted));
    }
    return { byKind, duplicates: [] };
  }

  private mergeWhole(files: readonly FileObjects[]): {
    byKind: Map<StateKey, readonly KubeObject[]>;
    duplicates: DuplicateObject[];
  } {
    const winners = new Map<StateKey, KubeObject[]>();
    const origin = new Map<string, { path: string; line: number }>();
    const duplicates: DuplicateObject[] = [];
    for (const [path, objects] of files) {
      for (const { kind, object, line } of objects) {
        const originKey = originKeyOf(kind, object);
        const first = origin.get(originKey);
        if (first !== undefined) {
          const key = originKey.slice(kind.kind.length + 1);
          duplicates.push({ kind, key, path, line, keptPath: first.path, keptLine: first.line });
          continue;
        }
        origin.set(originKey, { path, line });
        let list = winners.get(kind.stateKey);
        if (!list) winners.set(kind.stateKey, (list = []));
        list.push(object);
      }
    }
    const next = new Map<StateKey, KindResult>();
    const byKind = new Map<StateKey, readonly KubeObject[]>();
    for (const [stateKey, objects] of winners) {
      const before = this.previous.get(stateKey);
      const result = before && sameInstances(before.inFileOrder, objects) ? before : sortKind(objects);
      next.set(stateKey, result);
      byKind.set(stateKey, result.sorted);
    }
    this.previous = next;
    let count = 0;
    for (const [, objects] of files) count += objects.length;
    this.objectCount = count;
    this.clean = duplicates.length === 0;
    return { byKind, duplicates };
  }
}

function sortKeyOf(object: KubeObject): string {
  return `${object.metadata?.namespace ?? ""}\0${object.metadata?.name ?? ""}`;
}

/** The first index of `sorted` (sorted by sortKeyOf) whose key is not below `object`'s. */
function placeOf(sorted: readonly KubeObject[], object: KubeObject): number {
  const key = sortKeyOf(object);
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sortKeyOf(sorted[mid]!) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Puts `object` into `sorted` (keys unique within a kind) at its place. */
function insertSorted(sorted: KubeObject[], object: KubeObject): void {
  sorted.splice(placeOf(sorted, object), 0, object);
}

function sameInstances(a: readonly KubeObject[], b: readonly KubeObject[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sortKind(objects: readonly KubeObject[]): KindResult {
  // Namespace and name joined by NUL: plain string order is then compareByNamespaceAndName's order, and one
  // string per object costs less than a comparator reading both per pair.
  const keyed = objects.map((object) => ({ object, sortKey: sortKeyOf(object) }));
  keyed.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  return { inFileOrder: objects, sorted: Object.freeze(keyed.map((k) => k.object)) };
}
