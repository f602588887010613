// B-cubed precision and recall of a clustering against the truth (Bagga &
// Baldwin 1998; Amigó et al. 2009 on why it suits entity resolution). For each
// item: precision = the share of its predicted cluster that is truly its
// cluster, recall = the share of its true cluster that was predicted with it;
// both averaged over items. Merging two people costs precision, splitting one
// person costs recall, in proportion to how many items it affects.

export interface Clustered {
  /** The cluster the resolver put the item in (a profile id). */
  predicted: string;
  /** The cluster it truly belongs to (a person). */
  truth: string;
}

export interface BCubed {
  precision: number;
  recall: number;
  f1: number;
  items: number;
}

export function bcubed(items: readonly Clustered[]): BCubed {
  if (items.length === 0) throw new RangeError('B-cubed needs at least one item');
  const predictedSize = new Map<string, number>();
  const truthSize = new Map<string, number>();
  const bothSize = new Map<string, number>();
  for (const { predicted, truth } of items) {
    predictedSize.set(predicted, (predictedSize.get(predicted) ?? 0) + 1);
    truthSize.set(truth, (truthSize.get(truth) ?? 0) + 1);
    const both = `${predicted}\u0000${truth}`;
    bothSize.set(both, (bothSize.get(both) ?? 0) + 1);
  }
  let precision = 0;
  let recall = 0;
  for (const { predicted, truth } of items) {
    const both = bothSize.get(`${predicted}\u0000${truth}`)!;
    precision += both / predictedSize.get(predicted)!;
    recall += both / truthSize.get(truth)!;
  }
  precision /= items.length;
  recall /= items.length;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall), items: items.length };
}
