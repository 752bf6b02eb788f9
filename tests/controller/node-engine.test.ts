// The controller's behaviour tests once more on the node:http engine (`--http-engine node`), which stays as a
// fallback and as the baseline the benchmark compares with. The fast engine runs them in their own files; the
// harness reads the engine from this variable. Framing details only the fast engine has (http1-framing) are not
// repeated here.
process.env.INGRESS_KIT_TEST_HTTP_ENGINE = "node";

/* eslint-disable @typescript-eslint/no-require-imports */
require("./proxy/routing.test");
require("./proxy/headers-and-annotations.test");
require("./proxy/malformed-requests.test");
require("./proxy/tls.test");
require("./proxy/upstream-failures.test");
require("./proxy/websocket.test");
require("./shutdown-and-health.test");
require("./reload-under-load.test");
