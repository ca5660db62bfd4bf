/**
 * SQL that keeps SQLite busy counting to `steps`, one row at a time: a subquery answering
 * `steps`, for reads that must take a while.
 */
export const countingTo = (steps: number) =>
  `(WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ${steps})
    SELECT count(*) FROM n)`
