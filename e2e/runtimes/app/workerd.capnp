# workerd's configuration for the runtime app. The test bundles app/workerd.ts to worker.js
# next to a copy of this file and runs `workerd serve workerd.capnp --control-fd=3`; workerd
# reports the port it bound on that descriptor. No `nodejs_compat` flag: core must not need it.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .app)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const app :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-09-01",
  bindings = [
    (name = "TEST_KEY", fromEnvironment = "PORTCULLIS_TEST_KEY"),
    (name = "SUITE_ITERATIONS", text = "1000"),
  ],
);
