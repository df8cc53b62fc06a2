/** Labels for the ranges that `boundaries` (ascending) cut the number line into. */
export function bucketLabels(boundaries: readonly number[]): string[] {
  const labels: string[] = [];
  if (boundaries.length === 0) return labels;
  labels.push(`<${boundaries[0]}`);
  for (let i = 0; i + 1 < boundaries.length; i++) labels.push(`${boundaries[i]}-${boundaries[i + 1]}`);
  labels.push(`>=${boundaries[boundaries.length - 1]}`);
  return labels;
}

/** The label of the range `value` falls in; lower bounds are inclusive. */
export function bucketOf(value: number, boundaries: readonly number[]): string {
  const labels = bucketLabels(boundaries);
  let index = 0;
  while (index < boundaries.length && value >= (boundaries[index] as number)) index++;
  return labels[index] as string;
}
