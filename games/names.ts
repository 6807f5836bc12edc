/**
 * The shipped demo games by name, node built-ins only: the CLI's help lists them without loading
 * the game modules and zod (issue 12: any command starts in under 0.3 s).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), 'demo');

export const DEMO_GAME_FILES = {
  'classic-sevens': join(DEMO_DIR, 'classic-sevens.json'),
  'jungle-twenty': join(DEMO_DIR, 'jungle-twenty.json'),
  'volcano-ways': join(DEMO_DIR, 'volcano-ways.json'),
  'lucky-wheel': join(DEMO_DIR, 'lucky-wheel.json'),
  'wizard-fruit': join(DEMO_DIR, 'wizard-fruit.json'),
} as const;
export type DemoGameName = keyof typeof DEMO_GAME_FILES;
