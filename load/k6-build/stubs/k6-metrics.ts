import { stubRegistry } from './registry.ts';

export class Rate {
  constructor(readonly name: string) {}
  add(value: number | boolean, tags?: Record<string, string>): void {
    stubRegistry().metrics.push({ name: this.name, value, ...(tags ? { tags } : {}) });
  }
}
