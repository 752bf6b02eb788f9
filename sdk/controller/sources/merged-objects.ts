// Merging the objects of every manifest file into one sorted, frozen array per kind, once per change. With
// 30,000 objects the merge runs on every edit, so it avoids repeating work: each object's key is computed once
// (objects are never mutated, and unchanged documents keep their instances), and a kind whose objects are the
// same instances in the same order as last time keeps its previous array, so that consumers can tell by identity
// that nothing of that kind changed.
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

/** "Kind namespace/name" (or "Kind name"): an object's identity across kinds, by instance. */
const originKeys = new WeakMap<KubeObject, string>();

function originKeyOf(kind: ResourceKind, object: KubeObject): string {
  let key = originKeys.get(object);
  if (key === undefined) {
    originKeys.set(object, (key = `${kind.kind} ${objectKey(kind, object.metadata ?? {})}`));
  }
  return key;
}

interface KindResult {
  /** The winners in file order, to tell whether anything changed since the last merge. */
  readonly inFileOrder: readonly KubeObject[];
  readonly sorted: readonly KubeObject[];
}

export class MergedObjects {
  private previous = new Map<StateKey, KindResult>();

  /**
   * Each kind's objects, sorted by namespace and name, from `files` in their order (the first definition of an
   * object wins); the duplicates that lost are returned for logging.
   */
  merge(files: Iterable<readonly [path: string, objects: readonly ManifestObject[]]>): {
    byKind: ReadonlyMap<StateKey, readonly KubeObject[]>;
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
    return { byKind, duplicates };
  }
}

function sameInstances(a: readonly KubeObject[], b: readonly KubeObject[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sortKind(objects: readonly KubeObject[]): KindResult {
  // Namespace and name joined by NUL: plain string order is then compareByNamespaceAndName's order, and one
  // string per object costs less than a comparator reading both per pair.
  const keyed = objects.map((object) => ({
    object,
    sortKey: `${object.metadata?.namespace ?? ""}\0${object.metadata?.name ?? ""}`,
  }));
  keyed.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  return { inFileOrder: objects, sorted: Object.freeze(keyed.map((k) => k.object)) };
}
