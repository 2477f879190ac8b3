"""The suite as a whole: the one place that imports every service, to write what the services promise to others
(`suite.contracts`: the event schemas, the AsyncAPI and OpenAPI documents, each service's RPC contract, and the
subscriber queues `shared.topology` declares). No service and no part of `shared/` imports it; it is not installed
in the production image (its output is)."""
