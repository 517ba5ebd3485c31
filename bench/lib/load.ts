import autocannon, { type Request } from 'autocannon';

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

/**
 * Drives HTTP load with autocannon (in this process, on its own core) and returns throughput and
 * latency percentiles in milliseconds. `next(i)` builds the i-th request, so every request can differ.
 */
export async function load(opts: {
  url: string;
  connections: number;
  seconds: number;
  method?: string;
  next?: (i: number) => { path?: string; body?: string; headers?: Record<string, string> };
  overallRate?: number;
}): Promise<LoadResult> {
  let i = 0;
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    method: (opts.method ?? 'GET') as 'GET',
    overallRate: opts.overallRate,
    requests: [
      {
        setupRequest: (req: Request) => {
          if (!opts.next) return req;
          const r = opts.next(i++);
          return {
            ...req,
            ...(r.path ? { path: r.path } : {}),
            ...(r.body ? { body: r.body } : {}),
            headers: { ...req.headers, ...r.headers },
          };
        },
      },
    ],
  });
  return {
    requests: result.requests.total,
    seconds: result.duration,
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
