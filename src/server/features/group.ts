/** Groups child rows by their parent's id, mapping each row as it goes; order is kept. */
export function groupBy<R, T>(
  rows: readonly R[],
  parentId: (row: R) => number,
  map: (row: R) => T,
): Map<number, T[]> {
  const groups = new Map<number, T[]>()
  for (const row of rows) {
    const id = parentId(row)
    const group = groups.get(id)
    if (group) group.push(map(row))
    else groups.set(id, [map(row)])
  }
  return groups
}
