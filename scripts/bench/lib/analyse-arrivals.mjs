// One definition of duplicates and out-of-order arrivals, for the bench receivers and the fault suite.
/**
 * Order and duplicates at one receiver, from its arrival records [webhookId, projectId, version, …]:
 * an arrival (first or repeated) whose version is below one already received for the same project
 * is out of order; a repeated webhook-id is a duplicate.
 */
export function analyseArrivals(records) {
  const maxVersion = new Map();
  const seen = new Set();
  const versionIds = new Map();
  let outOfOrder = 0;
  let duplicates = 0;
  let sameVersionDifferentId = 0;
  const examples = [];
  for (const [id, projectId, version] of records) {
    if (seen.has(id)) duplicates++;
    seen.add(id);
    if (projectId === null || version === null) continue;
    const key = `${projectId}:${version}`;
    const known = versionIds.get(key);
    if (known && known !== id) sameVersionDifferentId++;
    versionIds.set(key, id);
    const max = maxVersion.get(projectId) ?? 0;
    if (version < max) {
      outOfOrder++;
      if (examples.length < 5) examples.push(`${projectId} v${version} after v${max}`);
    } else maxVersion.set(projectId, version);
  }
  return { ids: seen, outOfOrder, duplicates, sameVersionDifferentId, examples };
}
