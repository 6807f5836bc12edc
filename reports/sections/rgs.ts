import type { Artifacts } from '../collect.ts';
import type { ValidatedRequest } from '../inputs.ts';
import type { Check, Evidence } from '../model.ts';
import type { StageRunner } from '../stages.ts';

export interface RgsEvidence {
  readonly url: string | null;
  readonly functional: NonNullable<Evidence['rgsFunctional']>;
  readonly ledger: NonNullable<Evidence['ledger']> | null;
  readonly checks: Check[];
}

export async function collectRgsEvidence(
  _v: ValidatedRequest,
  _runner: StageRunner,
  _artifacts: Artifacts,
): Promise<RgsEvidence> {
  throw new Error('RGS functional evidence: not implemented yet (use --no-rgs)');
}
