// Sample benchmark run bodies for unit tests, shaped like server/src/schemas/benchmark.py.
import type { AsyncModeFigures, BenchmarkRunDetail, ModeFigures } from "../api/types";

export const RUN_ID = "7d1c2b3a-4e5f-4a6b-9c8d-0e1f2a3b4c5d";

export function syncFigures(overrides: Partial<ModeFigures> = {}): ModeFigures {
  return {
    mode: "sync",
    planned: 10,
    sent: 10,
    succeeded: 10,
    failed: 0,
    failed_by_status: {},
    not_sent: 0,
    stopped_by_deadline: false,
    wall_seconds: 0.42,
    throughput_per_second: 23.8,
    latency_ms: { p50: 180.2, p95: 230.5, p99: 240.1, max: 241 },
    ...overrides,
  };
}

export function asyncFigures(overrides: Partial<AsyncModeFigures> = {}): AsyncModeFigures {
  return {
    mode: "async",
    planned: 10,
    sent: 10,
    succeeded: 10,
    failed: 0,
    failed_by_status: {},
    not_sent: 0,
    stopped_by_deadline: false,
    wall_seconds: 0.05,
    throughput_per_second: 200,
    latency_ms: { p50: 4.1, p95: 6.3, p99: 7, max: 7.2 },
    callbacks_received: 10,
    callbacks_missing: 0,
    completion_ms: { p50: 190, p95: 260, p99: 270, max: 275.5 },
    completion_wall_seconds: 0.31,
    completed_per_second: 32.3,
    ...overrides,
  };
}

export function benchmarkRun(overrides: Partial<BenchmarkRunDetail> = {}): BenchmarkRunDetail {
  return {
    id: RUN_ID,
    status: "COMPLETED",
    parameters: { num_requests: 10, concurrency: 5, num_transactions: 50, simulated_delay_ms: 100 },
    sync: syncFigures(),
    async: asyncFigures(),
    error: null,
    leftover_requests: 0,
    callback_receiver: null,
    started_at: "2025-01-01T10:00:00.000Z",
    deadline_at: "2025-01-01T10:05:00.000Z",
    finished_at: "2025-01-01T10:00:02.000Z",
    ...overrides,
  };
}
