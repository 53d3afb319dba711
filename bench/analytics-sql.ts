// Bench-only: the benchmark's funnel and retention written by hand in plain SQL for DuckDB and PostgreSQL, over one
// table `bench_events(customer_id integer, event text/varchar, time timestamp)` holding the event store's deduplicated
// events (UTC, no time zone). Same semantics as src/analytics (checked equal in the run):
//   funnel: level ≥ k when some first-step event in [from, to] starts a chain in which each next step's earliest event
//           at or after the previous one falls within start + window (greedy chains give the same levels as
//           ClickHouse's windowFunnel, which the event-store tests check)
//   retention: cohort = Monday of the customer's first event in [from, to]; cell k = customers with an event in the
//           k-th week after (weeks start on Monday); any event starts and returns.

/** The SQL of a funnel over `steps` (event names): one row with s1 … sn (customers reaching each step). */
export function handFunnelSql(
  dialect: 'duckdb' | 'postgres',
  steps: readonly string[],
  from: string,
  toExclusive: string,
  windowDays: number,
): string {
  const w = dialect === 'postgres' ? `interval '${windowDays} days'` : `INTERVAL ${windowDays} DAY`;
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const ctes = [
    `s1 AS (SELECT customer_id, time AS t1, time AS tk FROM bench_events WHERE event = ${lit(steps[0]!)} ` +
      `AND time >= TIMESTAMP ${lit(from)} AND time < TIMESTAMP ${lit(toExclusive)})`,
  ];
  for (let k = 2; k <= steps.length; k++) {
    ctes.push(
      `s${k} AS (SELECT p.customer_id, p.t1, min(e.time) AS tk FROM s${k - 1} p JOIN bench_events e ` +
        `ON e.customer_id = p.customer_id AND e.event = ${lit(steps[k - 1]!)} AND e.time >= p.tk AND e.time <= p.t1 + ${w} ` +
        `GROUP BY p.customer_id, p.t1)`,
    );
  }
  const counts = steps.map((_, i) => `(SELECT count(DISTINCT customer_id) FROM s${i + 1}) AS s${i + 1}`);
  return `WITH ${ctes.join(', ')} SELECT ${counts.join(', ')}`;
}

/** The SQL of a weekly retention table: rows (cohort date, k, n) with k = −1 for the cohort size. */
export function handRetentionSql(
  dialect: 'duckdb' | 'postgres',
  from: string,
  toExclusive: string,
  periods: number,
): string {
  const lit = (s: string) => `'${s}'`;
  const weeks =
    dialect === 'postgres'
      ? `((date_trunc('week', e.time)::date - c.cohort) / 7)`
      : `CAST(date_diff('day', c.cohort, CAST(date_trunc('week', e.time) AS DATE)) / 7 AS INTEGER)`;
  const returnEnd =
    dialect === 'postgres'
      ? `TIMESTAMP ${lit(toExclusive)} + interval '${periods * 7} days'`
      : `TIMESTAMP ${lit(toExclusive)} + INTERVAL ${periods * 7} DAY`;
  return (
    `WITH f AS (SELECT customer_id, min(time) AS t0 FROM bench_events GROUP BY customer_id), ` +
    `c AS (SELECT customer_id, CAST(date_trunc('week', t0) AS DATE) AS cohort FROM f ` +
    `WHERE t0 >= TIMESTAMP ${lit(from)} AND t0 < TIMESTAMP ${lit(toExclusive)}), ` +
    `r AS (SELECT DISTINCT e.customer_id, c.cohort, ${weeks} AS k FROM bench_events e JOIN c ON c.customer_id = e.customer_id ` +
    `WHERE e.time >= TIMESTAMP ${lit(from)} AND e.time < ${returnEnd}) ` +
    `SELECT cohort, -1 AS k, count(*) AS n FROM c GROUP BY cohort ` +
    `UNION ALL SELECT cohort, k, count(*) AS n FROM r WHERE k >= 0 AND k < ${periods} GROUP BY cohort, k`
  );
}
