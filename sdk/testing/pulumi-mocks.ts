// ingress-kit/testing: Pulumi mocks for unit-testing programs that use Ingress Kit (and for our own tests).
// Records every resource registration and returns realistic state, including PEM text for @pulumi/tls resources
// so Secret data built from them is defined, and clears the gateways' route registry so that every test program
// starts from no routes. Call `installMocks()` BEFORE importing the program under test (a static import is
// hoisted; use `await import`).
import * as pulumi from "@pulumi/pulumi";
import { resetRouteRegistry } from "../components/route-registry";

/** Loosely typed resource inputs: tests walk them like the JSON they are. */
export type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Values;
  readonly custom: boolean;
}

export interface MockState {
  /** Every registration, in order. */
  readonly resources: RecordedResource[];
  /** Registrations of one type token, e.g. "kubernetes:networking.k8s.io/v1:Ingress". */
  ofType(type: string): RecordedResource[];
  /** The one registration of a type and name; throws if absent. */
  one(type: string, name: string): RecordedResource;
  reset(): void;
}

const FAKE_PEM = (label: string, name: string): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(`mock ${label.toLowerCase()} for ${name}`).toString("base64")}\n-----END ${label}-----\n`;

/** State a real provider would return for a few types whose outputs the components read. */
function stateFor(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case "tls:index/privateKey:PrivateKey":
      return {
        ...inputs,
        privateKeyPem: FAKE_PEM("PRIVATE KEY", name),
        privateKeyPemPkcs8: FAKE_PEM("PRIVATE KEY", name),
        publicKeyPem: FAKE_PEM("PUBLIC KEY", name),
      };
    case "tls:index/selfSignedCert:SelfSignedCert":
    case "tls:index/locallySignedCert:LocallySignedCert":
      return { ...inputs, certPem: FAKE_PEM("CERTIFICATE", name), validityStartTime: "2026-11-27T00:00:00Z" };
    case "tls:index/certRequest:CertRequest":
      return { ...inputs, certRequestPem: FAKE_PEM("CERTIFICATE REQUEST", name) };
    case "kubernetes:core/v1:Service": {
      const metadata = (inputs.metadata ?? {}) as Record<string, unknown>;
      return {
        ...inputs,
        metadata: {
          ...metadata,
          name: metadata.name ?? `${name}-abc123`,
          namespace: metadata.namespace ?? "default",
        },
        status: { loadBalancer: { ingress: [{ ip: "203.0.113.10" }] } },
      };
    }
    default: {
      if (!type.startsWith("kubernetes:")) return inputs;
      const metadata = (inputs.metadata ?? {}) as Record<string, unknown>;
      // The Kubernetes provider autonames objects "<resource name>-<suffix>".
      return { ...inputs, metadata: { ...metadata, name: metadata.name ?? `${name}-abc123` } };
    }
  }
}

/** Installs mocks (preview or update mode) and returns the recording. */
export async function installMocks(options: { preview: boolean; stack?: string }): Promise<MockState> {
  const resources: RecordedResource[] = [];
  resetRouteRegistry();
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          custom: args.custom ?? true,
        });
        if (args.custom === false) return { id: undefined, state: {} };
        const id = args.id && args.id !== "" ? args.id : `${args.name}-id`;
        return { id, state: stateFor(args.type, args.name, args.inputs) };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        return args.inputs;
      },
    },
    "ingress-kit-test",
    options.stack ?? "test",
    options.preview,
  );
  return {
    resources,
    ofType: (type) => resources.filter((r) => r.type === type),
    one(type, name) {
      const found = resources.find((r) => r.type === type && r.name === name);
      if (!found) {
        const seen = resources.map((r) => `${r.type} ${r.name}`).join("\n  ");
        throw new Error(`no ${type} named "${name}"; registered:\n  ${seen}`);
      }
      return found;
    },
    reset() {
      resources.length = 0;
    },
  };
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Whether a recorded input value is a Pulumi secret (the mock monitor passes secrets wrapped with a signature). */
export function isSecretValue(value: unknown): boolean {
  return typeof value === "object" && value !== null && SECRET_SIG in value;
}

/** The plain value of a recorded input, unwrapping a secret. */
export function unwrapSecret<T = Values>(value: unknown): T {
  return (isSecretValue(value) ? (value as { value: unknown }).value : value) as T;
}

/** Type tokens used by the tests. */
export const Types = {
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  ingressClass: "kubernetes:networking.k8s.io/v1:IngressClass",
  secret: "kubernetes:core/v1:Secret",
  service: "kubernetes:core/v1:Service",
  namespace: "kubernetes:core/v1:Namespace",
  deployment: "kubernetes:apps/v1:Deployment",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  clusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
  clusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  chartV4: "kubernetes:helm.sh/v4:Chart",
  releaseV3: "kubernetes:helm.sh/v3:Release",
  middleware: "kubernetes:traefik.io/v1alpha1:Middleware",
  privateKey: "tls:index/privateKey:PrivateKey",
  selfSignedCert: "tls:index/selfSignedCert:SelfSignedCert",
  locallySignedCert: "tls:index/locallySignedCert:LocallySignedCert",
  gateway: "ingress-kit:index:IngressGateway",
  route: "ingress-kit:index:HostRoute",
} as const;
