// The package's `ingress-kit/testing` entry: helpers for unit-testing Pulumi programs with mocks.
export {
  installMocks,
  isSecretValue,
  unwrapSecret,
  Types,
  type MockState,
  type RecordedResource,
  type Values,
} from "./pulumi-mocks";
export { settle, valueOf } from "./outputs";
