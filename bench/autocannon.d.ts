// The part of autocannon's API the RTA benchmark's load generator uses (the package ships no types).
declare module 'autocannon' {
  interface Histogram {
    readonly average: number;
    readonly total: number;
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
  }
  interface Options {
    url: string;
    duration: number;
    connections: number;
    method?: string;
    headers?: Record<string, string>;
    requests?: { method: 'POST'; body: Buffer }[];
  }
  interface Result {
    readonly requests: Histogram;
    readonly latency: Histogram;
    readonly non2xx: number;
    readonly errors: number;
    readonly timeouts: number;
  }
  export default function autocannon(options: Options): Promise<Result>;
}
