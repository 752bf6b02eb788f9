// The node flags the bundled controller runs with in its image (Dockerfile ENTRYPOINT) and in the builtin
// IngressGateway's pods (their container command), and that `npm run bench:proxy` uses to run it as in
// production. Heap sizes can only be set when node starts, so they live here rather than in the controller.
//
// --max-semi-space-size=4: V8 grows its young generation (two semi-spaces) up to 16 MB each while many objects
// survive, as they do while thousands of manifests or watch events are parsed at startup, and keeps that memory
// afterwards. Serving, a proxy's objects die young and V8 keeps the space at 1-2 MB anyway, so the cap costs
// nothing there; with 10,000 Ingresses it measured 134-141 MB resident instead of 150-153 MB, with the same
// startup time and requests/s.
export const CONTROLLER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=4"];
