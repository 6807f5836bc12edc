/**
 * Test stubs of the k6 modules the scripts import (k6, k6/http, k6/metrics, k6/execution). They
 * implement the documented surface the scripts use and record every call in one registry that the
 * test reads and drives (the fake server answering http.asyncRequest is set by the test).
 */
export interface StubRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string | null;
  readonly params: { headers?: Record<string, string>; tags?: Record<string, string>; timeout?: string };
}

export interface StubResponse {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string>;
}

export interface K6StubRegistry {
  requests: StubRequest[];
  sleeps: number[];
  checks: { name: string; ok: boolean }[];
  metrics: { name: string; value: number | boolean; tags?: Record<string, string> }[];
  iterationInTest: number;
  server: (request: StubRequest) => StubResponse;
}

const key = '__croupierK6Stubs';

export function stubRegistry(): K6StubRegistry {
  const holder = globalThis as unknown as Record<string, K6StubRegistry | undefined>;
  holder[key] ??= {
    requests: [],
    sleeps: [],
    checks: [],
    metrics: [],
    iterationInTest: 0,
    server: () => ({ status: 200, body: '{"status":"ok"}', headers: {} }),
  };
  return holder[key]!;
}
