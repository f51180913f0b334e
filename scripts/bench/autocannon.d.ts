declare module 'autocannon' {
  interface Histogram { average: number; mean: number; p50: number; p99: number; max: number; total: number }
  interface Result { requests: Histogram; latency: Histogram; duration: number; errors: number; timeouts: number; non2xx: number; '2xx': number }
  interface Options {
    url: string; method?: string; headers?: Record<string, string>; body?: string; connections?: number; duration?: number;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
