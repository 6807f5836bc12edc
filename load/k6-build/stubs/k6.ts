import { stubRegistry } from './registry.ts';

export function sleep(seconds: number): void {
  stubRegistry().sleeps.push(seconds);
}

export function check(value: unknown, sets: Record<string, (value: unknown) => boolean>): boolean {
  let all = true;
  for (const [name, predicate] of Object.entries(sets)) {
    const ok = predicate(value);
    stubRegistry().checks.push({ name, ok });
    all &&= ok;
  }
  return all;
}
