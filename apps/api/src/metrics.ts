import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  requests: Counter<'status'>;
  latency: Histogram;
  /** Query executions by path: `compiled` (one SQL statement) or `resolvers`. */
  reads: Counter<'path'>;
  /** Response-cache lookups by result: `hit` or `miss`. */
  cache: Counter<'result'>;
}

/** Prometheus metrics at /metrics: requests by status, latency, and the process defaults. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'shopwarden_graphql_requests_total',
      help: 'GraphQL requests by HTTP status.',
      labelNames: ['status'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'shopwarden_graphql_request_seconds',
      help: 'GraphQL request latency.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    cache: new Counter({
      name: 'shopwarden_response_cache_lookups_total',
      help: 'Response-cache lookups by result (hit or miss).',
      labelNames: ['result'],
      registers: [registry],
    }),
    reads: new Counter({
      name: 'shopwarden_graphql_executions_total',
      help: 'Operation executions by path: compiled (one SQL statement) or resolvers.',
      labelNames: ['path'],
      registers: [registry],
    }),
  };
}
