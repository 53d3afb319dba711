import { sql, type SelectQueryBuilder } from 'kysely';

// Pool listings answer a page of rows and the total behind it; both come from one query builder, so the total is
// counted over exactly the joins and filters the page reads.

/** How many rows the query's from, joins and filters select (count(*) in place of its select list). */
export async function countRows<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
): Promise<number> {
  // Kysely cannot resolve the selection's type over a generic database; the row is { n } all the same.
  const row = (await query
    .clearSelect()
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow()) as { n: number | string };
  return Number(row.n);
}
