// The tests use the package's own mock helper, as users do (`ingress-kit/testing`).
export * from "../../sdk/testing";
