/**
 * k6 scenario "spike-and-recover" against a Stake Engine RGS (load/scenarios/catalog.ts holds its data).
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:7420 -e OPERATOR_TOKEN=$(npx croupier rgs token) load/k6/spike-and-recover.ts
 *   npm run build:k6 && k6 run … dist/k6/spike-and-recover.js          # bundled ES2017, for k6 < 0.57
 */
import type { Options } from 'k6/options';
import { SCENARIOS } from '../scenarios/catalog.ts';
import { k6Options, makeHandleSummary, makeSetup, makeVisit } from './lib/script.ts';

const scenario = SCENARIOS['spike-and-recover']!;

export const options: Options = k6Options(scenario);
export const setup = makeSetup();
export const visit = makeVisit(scenario);
export const handleSummary = makeHandleSummary(scenario.name);
