/** The median of a sample (the benchmarks report medians to damp scheduler noise). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
