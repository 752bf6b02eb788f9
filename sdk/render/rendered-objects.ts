// Turns recorded registrations into the Kubernetes objects a program would create, as YAML-ready plain objects:
// unknown values become "(known after deploy)", Pulumi secrets and every Secret's data become "(secret)", and
// Helm charts are listed as chart, repository, version and values (Pulumi expands them at deploy time).
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { generatedName, type RegisteredResource } from "./offline-engine";

export const UNKNOWN = "(known after deploy)";
export const SECRET = "(secret)";

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: unknown; namespace?: unknown; [key: string]: unknown };
  [field: string]: unknown;
}

export interface HelmChartEntry {
  /** `kubernetes:helm.sh/v4:Chart` or `kubernetes:helm.sh/v3:Release`. */
  type: string;
  name: string;
  chart: unknown;
  repository: unknown;
  version: unknown;
  namespace: unknown;
  values: unknown;
}

export interface RenderedProgram {
  objects: KubernetesObject[];
  charts: HelmChartEntry[];
  /** Kubernetes components the mock runtime cannot expand (yaml ConfigFile/ConfigGroup, kustomize): `type "name"`. */
  notExpanded: string[];
}

// Components of the Kubernetes provider whose objects only exist once the provider expands them at deploy time.
const UNEXPANDED_PREFIXES = ["kubernetes:yaml", "kubernetes:kustomize"];

const HELM_TYPES = new Set([
  "kubernetes:helm.sh/v4:Chart",
  "kubernetes:helm.sh/v3:Release",
  "kubernetes:helm.sh/v3:Chart",
]);
const KIND_ORDER = [
  "Namespace",
  "CustomResourceDefinition",
  "ServiceAccount",
  "ClusterRole",
  "ClusterRoleBinding",
  "Role",
  "RoleBinding",
  "Secret",
  "ConfigMap",
  "Service",
  "Deployment",
  "DaemonSet",
  "PodDisruptionBudget",
  "IngressClass",
  "Ingress",
];

/** Replaces unknowns and secrets in a serialised Pulumi value with their markers. */
export function present(value: unknown): unknown {
  if (value === unknownValue) return UNKNOWN;
  if (Array.isArray(value)) return value.map(present);
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (record[specialSigKey] === specialSecretSig) {
      // A secret map keeps its keys visible (which Secret keys exist is not sensitive); the values are hidden.
      const inner = record.value;
      return typeof inner === "object" && inner !== null && !Array.isArray(inner)
        ? Object.fromEntries(Object.keys(inner).map((k) => [k, SECRET]))
        : SECRET;
    }
    if (specialSigKey in record) return UNKNOWN; // assets, archives and resource references have no YAML form
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, present(v)]));
  }
  return value;
}

function apiVersionOf(type: string): { apiVersion: string; kind: string } | null {
  const match = /^kubernetes:([^:]+)\/([^/:]+):([A-Za-z0-9]+)$/.exec(type);
  if (!match) return null;
  const [, group, version, kind] = match as unknown as [string, string, string, string];
  return { apiVersion: group === "core" ? version : `${group}/${version}`, kind };
}

function maskSecretData(object: KubernetesObject): void {
  for (const field of ["data", "stringData"]) {
    const data = object[field];
    if (typeof data === "object" && data !== null) {
      object[field] = Object.fromEntries(Object.keys(data).map((key) => [key, SECRET]));
    } else if (data !== undefined && data !== UNKNOWN) {
      object[field] = SECRET;
    }
  }
}

/** `generateNames`: name auto-named objects as a deploy would (see `generatedName`), not "(known after deploy)". */
export function renderObjects(
  resources: readonly RegisteredResource[],
  options: { generateNames?: boolean } = {},
): RenderedProgram {
  const objects: KubernetesObject[] = [];
  const charts: HelmChartEntry[] = [];
  const notExpanded: string[] = [];
  for (const resource of resources) {
    if (UNEXPANDED_PREFIXES.some((prefix) => resource.type.startsWith(prefix))) {
      notExpanded.push(`${resource.type} "${resource.name}"`);
      continue;
    }
    const inputs = present(resource.inputs) as Record<string, unknown>;
    if (HELM_TYPES.has(resource.type)) {
      const repositoryOpts = inputs.repositoryOpts as { repo?: unknown } | undefined;
      charts.push({
        type: resource.type,
        name: typeof inputs.name === "string" ? inputs.name : resource.name,
        chart: inputs.chart,
        repository: repositoryOpts?.repo ?? inputs.repo,
        version: inputs.version,
        namespace: inputs.namespace,
        values: inputs.values ?? {},
      });
      continue;
    }
    const gvk = resource.custom ? apiVersionOf(resource.type) : null;
    if (!gvk) continue;
    const { apiVersion: _a, kind: _k, metadata, ...rest } = inputs;
    const object: KubernetesObject = {
      apiVersion: gvk.apiVersion,
      kind: gvk.kind,
      metadata: { ...((metadata as Record<string, unknown> | undefined) ?? {}) },
      ...rest,
    };
    if (object.metadata.name === undefined) {
      object.metadata.name = options.generateNames
        ? generatedName(resource.type, resource.name)
        : `${resource.name}-${UNKNOWN}`;
    }
    if (gvk.kind === "Secret") maskSecretData(object);
    objects.push(object);
  }
  objects.sort(compareObjects);
  charts.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { objects, charts, notExpanded };
}

function kindRank(kind: string): number {
  const rank = KIND_ORDER.indexOf(kind);
  return rank === -1 ? KIND_ORDER.length : rank;
}

function compareObjects(a: KubernetesObject, b: KubernetesObject): number {
  const key = (o: KubernetesObject) =>
    `${String(o.metadata.namespace ?? "")}/${String(o.metadata.name ?? "")}`;
  return kindRank(a.kind) - kindRank(b.kind) || a.kind.localeCompare(b.kind) || key(a).localeCompare(key(b));
}
