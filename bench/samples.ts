// Latency samples for the load generators (bench/load.ts, bench/shopper-load.ts): a growable
// Float64Array, sorted once at the end, and a nearest-rank percentile over it.
export class Samples {
  values = new Float64Array(1 << 16);
  length = 0;
  push(v: number) {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = v;
  }
  sorted() {
    return this.values.slice(0, this.length).sort();
  }
}

export function percentile(sorted: Float64Array, p: number) {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}
