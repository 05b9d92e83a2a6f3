// Exact-match index for signals compared by equality (MD5, and any other
// exact signal): a map from value to the ids holding it.

export class ExactIndex {
  private readonly byValue = new Map<string, Set<number>>();
  private live = 0;

  get size(): number {
    return this.live;
  }

  add(value: string, id: number): void {
    let ids = this.byValue.get(value);
    if (!ids) this.byValue.set(value, (ids = new Set()));
    if (!ids.has(id)) {
      ids.add(id);
      this.live++;
    }
  }

  remove(value: string, id: number): number {
    const ids = this.byValue.get(value);
    if (!ids?.delete(id)) return 0;
    this.live--;
    if (ids.size === 0) this.byValue.delete(value);
    return 1;
  }

  /** Ids holding exactly this value, ascending. */
  search(value: string): number[] {
    return [...(this.byValue.get(value) ?? [])].sort((a, b) => a - b);
  }
}
