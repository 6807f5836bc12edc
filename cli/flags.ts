/**
 * Flag parsers shared by the commands. Light on purpose (no part is imported): a bad flag is
 * reported before a command loads the parts it works with (issue 12: start-up time).
 */
import { CliError, EXIT_BAD_INPUT } from './errors.ts';

/** A minimum RTP in percent from a flag ("92", "92.5", "92%"). */
export function parseMinRtpPercent(text: string | undefined): number | null {
  if (text === undefined) return null;
  const value = Number(text.trim().replace(/%$/, ''));
  if (!(Number.isFinite(value) && value > 0 && value <= 100)) {
    throw new CliError(`--min-rtp must be a percentage in (0, 100], got '${text}'`, EXIT_BAD_INPUT);
  }
  return value;
}
