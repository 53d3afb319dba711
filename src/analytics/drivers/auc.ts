// Area under the ROC curve as the Mann–Whitney statistic: the share of (positive, negative) pairs whose positive
// scores higher, a tie counting ½. Positives' and negatives' scores are sorted separately and merged: O(n log n),
// with typed-array sorts instead of a comparator sort of indices (several times faster at 300,000 scores).

/** AUC of scores against 0/1 labels; null when either class is empty. */
export function auc(scores: Float64Array, labels: Uint8Array): number | null {
  let nPos = 0;
  for (let i = 0; i < labels.length; i++) nPos += labels[i]!;
  const nNeg = labels.length - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(nNeg);
  for (let i = 0, a = 0, b = 0; i < labels.length; i++) {
    if (labels[i]) pos[a++] = scores[i]!;
    else neg[b++] = scores[i]!;
  }
  pos.sort();
  neg.sort();
  // For each positive: negatives strictly below it, plus half of those equal to it.
  let below = 0;
  let wins = 0;
  for (let i = 0; i < nPos;) {
    const s = pos[i]!;
    let j = i;
    while (j < nPos && pos[j] === s) j++;
    while (below < nNeg && neg[below]! < s) below++;
    let equal = below;
    while (equal < nNeg && neg[equal] === s) equal++;
    wins += (j - i) * (below + (equal - below) / 2);
    i = j;
  }
  return wins / (nPos * nNeg);
}
