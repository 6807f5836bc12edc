/**
 * The game definition format, version 1: a game's math as data. Two game types:
 *
 * - `reels`: reel strips (optionally weighted: virtual reels) per reel set, a window of `rows` rows,
 *   symbols (regular, blank, wild, scatter), paylines / ways / a single centre line, a pay table,
 *   scatter pays, free spins, bet configuration, optional maximum-win cap.
 * - `table`: a weighted outcome table (each outcome an integer weight and an integer payout).
 *
 * This file holds the STRUCTURAL schema (types, ranges, shapes). Rules that relate parts to each
 * other (a pay naming an unknown symbol, a payline outside the grid, ...) live in `validate.ts`;
 * `parseGameDefinition` there runs both and names the path and the rule of every problem.
 *
 * Units: every pay is an integer number of "win units". For a line or ways game one win unit is one
 * credit of the per-line (per-way) bet; the base stake of a round is `bet.baseStakeUnits` units
 * (by default the number of paylines). Scatter pays multiply the base stake. A mode with
 * `costMultiplier` k costs k × baseStakeUnits units for the same pays (ante bet, bonus buy).
 * Money is never a float: the RGS multiplies units by `coinValueMinor × betLevel`.
 */
import { z } from 'zod';

export const FORMAT_VERSION = 1;

const idPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(idPattern, 'must start with a letter or digit and contain only letters, digits, _ . -');
const PositiveInt = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const NonNegativeInt = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const SymbolSchema = z
  .object({
    id: Id.describe('Short symbol id used in strips and pays, e.g. "B1", "W", "SC".'),
    name: z.string().max(200).optional().describe('Human-readable name.'),
    kind: z
      .enum(['regular', 'blank', 'wild', 'scatter'])
      .describe(
        'regular: pays in lines/ways; blank: an empty stop (pays only when named explicitly); ' +
          'wild: substitutes (see wild); scatter: pays/triggers by count anywhere in the window.',
      ),
    wild: z
      .object({
        substitutes: z
          .array(Id)
          .optional()
          .describe('Symbols it substitutes for; default: every regular symbol.'),
        except: z.array(Id).optional().describe('Symbols it never substitutes for.'),
        multiplier: PositiveInt.max(1000)
          .optional()
          .describe(
            'Multiplies a combination it substitutes in; several substituting wilds multiply together.',
          ),
      })
      .strict()
      .optional()
      .describe('Substitution rules; only for kind "wild".'),
  })
  .strict();

export const SymbolGroupSchema = z
  .object({
    id: Id.describe('Group id usable wherever a pay names a symbol, e.g. "ANY_BAR".'),
    name: z.string().max(200).optional(),
    symbols: z.array(Id).min(1).describe('Member symbols (regular or blank).'),
    complement: z
      .boolean()
      .optional()
      .describe(
        'true: the group is every REGULAR symbol except those listed in symbols ("any symbol but ' +
          'cherry": symbols ["CHERRY"], complement true); blanks, wilds and scatters are never members.',
      ),
  })
  .strict()
  .describe('A mixed-symbol group ("any bar", "any seven"): a position matches any member.');

export const ReelSchema = z
  .object({
    symbols: z.array(Id).min(1).max(100_000).describe('The strip, in order; the window wraps around.'),
    weights: z
      .array(
        z
          .number()
          .int('a stop weight must be an integer')
          .min(1, 'a stop weight must be >= 1 (a stop that can never be drawn must be removed)')
          .max(1_000_000_000),
      )
      .optional()
      .describe(
        'Optional per-stop integer weights (a virtual reel): stop i is drawn with probability ' +
          'weights[i] / sum(weights). Same length as symbols; every weight >= 1. ' +
          'Row rule: the drawn stop lands on the TOP row (row 0) and the window shows ' +
          'symbols[stop], symbols[stop + 1], ..., symbols[stop + rows - 1] (wrapping). So on a ' +
          '3-row centre-line game the centre shows symbols[stop + 1]: weights[i] weights the ' +
          'stop whose symbol shows in the top row, i.e. the centre row shows the stop AFTER the ' +
          'weighted one. To weight what the centre line shows, list each weight one stop earlier.',
      ),
  })
  .strict();

export const ReelSetSchema = z
  .object({
    reels: z
      .array(ReelSchema)
      .min(1)
      .max(10)
      .describe(
        'One strip per reel, left to right. A spin draws one stop per reel; the window shows that ' +
          'stop in the top row and the next rows - 1 stops below it.',
      ),
  })
  .strict();

export const LinesEvaluationSchema = z
  .object({
    type: z.literal('lines'),
    lines: z
      .array(z.array(NonNegativeInt))
      .min(1)
      .max(1000)
      .describe('Each payline: the row (0 = top) on each reel, left to right.'),
    direction: z
      .enum(['left-to-right', 'both-ways'])
      .default('left-to-right')
      .describe(
        'both-ways: run/sequence pays are also matched right-aligned (the best of each direction is ' +
          'paid); a combination covering every reel is paid once, with no right-to-left win beside it.',
      ),
  })
  .strict();

export const CentreLineEvaluationSchema = z
  .object({
    type: z.literal('centre-line'),
  })
  .strict()
  .describe('A single payline through the middle row (rows must be odd).');

export const WaysEvaluationSchema = z
  .object({
    type: z.literal('ways'),
  })
  .strict()
  .describe(
    'All-ways pays (rows^reels ways, e.g. 243 or 1024): a symbol pays for a run of adjacent reels ' +
      'from the left, times the number of ways (product over those reels of the count of the symbol ' +
      'or its substituting wilds, each wild counted with its multiplier).',
  );

export const EvaluationSchema = z.discriminatedUnion('type', [
  LinesEvaluationSchema,
  CentreLineEvaluationSchema,
  WaysEvaluationSchema,
]);

export const RunPaySchema = z
  .object({
    id: Id,
    type: z.literal('run'),
    symbol: Id.describe('A symbol or group id.'),
    count: PositiveInt.max(10).describe('Pays for at least this many adjacent positions from the left.'),
    pay: PositiveInt.describe('Win units per line (per way).'),
    payByCoins: z
      .array(PositiveInt)
      .min(1)
      .max(10)
      .optional()
      .describe(
        'Pays that differ by bet: payByCoins[c - 1] is the pay when the mode plays c coins (mode.coins); ' +
          'payByCoins[0] must equal pay. Without it a c-coin mode pays c × pay.',
      ),
  })
  .strict();

export const SequencePaySchema = z
  .object({
    id: Id,
    type: z.literal('sequence'),
    pattern: z
      .array(Id)
      .min(1)
      .max(10)
      .describe('Ordered combination from the left: position i must match symbol or group pattern[i].'),
    pay: PositiveInt,
    payByCoins: z
      .array(PositiveInt)
      .min(1)
      .max(10)
      .optional()
      .describe(
        'Pays that differ by bet: payByCoins[c - 1] is the pay when the mode plays c coins (mode.coins); ' +
          'payByCoins[0] must equal pay. Without it a c-coin mode pays c × pay.',
      ),
  })
  .strict();

export const AnywherePaySchema = z
  .object({
    id: Id,
    type: z.literal('anywhere'),
    symbol: Id.describe('A symbol or group id.'),
    count: PositiveInt.max(10).describe('Pays when at least this many positions of the line match.'),
    pay: PositiveInt,
    payByCoins: z
      .array(PositiveInt)
      .min(1)
      .max(10)
      .optional()
      .describe(
        'Pays that differ by bet: payByCoins[c - 1] is the pay when the mode plays c coins (mode.coins); ' +
          'payByCoins[0] must equal pay. Without it a c-coin mode pays c × pay.',
      ),
  })
  .strict()
  .describe('Counted anywhere on the line, e.g. cherries.');

export const PaySchema = z.discriminatedUnion('type', [RunPaySchema, SequencePaySchema, AnywherePaySchema]);

export const ScatterPaySchema = z
  .object({
    id: Id,
    symbol: Id.describe('A scatter symbol.'),
    count: PositiveInt.max(100).describe('Pays when at least this many appear anywhere in the window.'),
    pay: PositiveInt.describe('Multiplies the base stake (win units = pay × baseStakeUnits).'),
    unit: z
      .enum(['stake', 'line-bet'])
      .optional()
      .describe(
        'What pay multiplies: "stake" (default) the base stake (pay × baseStakeUnits win units) or ' +
          '"line-bet" the line (way) bet (pay win units), as classic "scatter × line bet" tables say. ' +
          'Every scatter pay of one symbol uses the same unit.',
      ),
  })
  .strict();

export const SpinAwardSchema = z
  .object({
    count: PositiveInt.max(100).describe('Scatter count (at least).'),
    spins: PositiveInt.max(1000).describe('Free spins awarded.'),
  })
  .strict();

export const FreeSpinsSchema = z
  .object({
    symbol: Id.describe('The scatter symbol that triggers.'),
    awards: z.array(SpinAwardSchema).min(1).describe('The award for the highest count reached.'),
    reelSet: Id.describe('The reel set free spins are played on.'),
    multiplier: PositiveInt.max(1000).default(1).describe('Every free-spin win is multiplied by this.'),
    retrigger: z
      .array(SpinAwardSchema)
      .optional()
      .describe('Spins added when the symbol appears during free spins; absent: no retrigger.'),
  })
  .strict();

/**
 * A declared RTP in percent, with the precision it is stated to (e.g. "96.50": two decimals).
 * `croupier math` and `certify` compare it with the exact RTP rounded half-up to as many decimals.
 */
export const DeclaredRtpSchema = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,8})?$/, 'must be a percentage with up to 8 decimals, e.g. "96.50"')
  .describe(
    'The RTP the studio declares for this mode (its PAR sheet), in percent, to the precision stated: ' +
      '"96.50" means the exact RTP rounded half-up to 2 decimals is 96.50%. croupier math and certify ' +
      'fail when it differs; the RGS shows it in game info.',
  );

export const ModeSchema = z
  .object({
    id: Id,
    declaredRtp: DeclaredRtpSchema.optional(),
    reelSet: Id.optional().describe('Reel set of the base spin (reels games only).'),
    costMultiplier: PositiveInt.max(100_000)
      .default(1)
      .describe('The round costs costMultiplier × baseStakeUnits win units.'),
    coins: PositiveInt.max(10)
      .optional()
      .describe(
        'Coins played (reels games): pays take their payByCoins column (or c × pay), scatter pays c × pay. ' +
          'Usually with costMultiplier equal to coins.',
      ),
  })
  .strict();

export const BetSchema = z
  .object({
    baseStakeUnits: PositiveInt.max(1_000_000)
      .optional()
      .describe('Win units staked per round; default for line games: the number of paylines.'),
    coinValuesMinor: z.array(PositiveInt).min(1).describe('Coin values in minor units (cents).'),
    betLevels: z.array(PositiveInt.max(1000)).min(1).default([1]).describe('Coins per unit.'),
  })
  .strict();

export const MaxWinSchema = z
  .object({
    multiplier: PositiveInt.describe(
      'The total win of a round (base spin and every feature spin) is capped at multiplier × ' +
        'baseStakeUnits. When the running total reaches the cap the round ends at once: the win is ' +
        'the cap and remaining free spins are forfeited.',
    ),
  })
  .strict();

export const ProvenanceSchema = z
  .object({
    source: z
      .string()
      .max(2000)
      .optional()
      .describe('Where the figures come from: a PAR sheet, a certificate, a publication (title or URL).'),
    author: z.string().max(200).optional().describe('Who wrote this definition.'),
    date: z.string().max(40).optional().describe('When (ISO 8601 date, e.g. "2026-12-06").'),
    licence: z.string().max(200).optional().describe('Licence of the definition or of its source.'),
    notes: z.string().max(10_000).optional().describe('Anything a reviewer should know.'),
  })
  .strict()
  .describe(
    'Optional: where this definition and its declared figures come from. Not part of the math ' +
      '(it does not change the math hash); the declared RTP itself is per mode (modes[].declaredRtp).',
  );

const commonFields = {
  $schema: z
    .string()
    .max(2000)
    .optional()
    .describe('Optional URL or path of this JSON Schema, for editors; ignored by Croupier.'),
  formatVersion: z.literal(FORMAT_VERSION).describe('Format version of this document.'),
  id: Id.describe('Stable game id.'),
  name: z.string().min(1).max(200),
  description: z.string().max(5000).optional(),
  bet: BetSchema,
  modes: z.array(ModeSchema).min(1),
  maxWin: MaxWinSchema.optional(),
  provenance: ProvenanceSchema.optional(),
};

export const ReelGameSchema = z
  .object({
    ...commonFields,
    type: z.literal('reels'),
    rows: PositiveInt.max(10).describe('Rows in the visible window.'),
    symbols: z.array(SymbolSchema).min(1).max(64),
    groups: z.array(SymbolGroupSchema).optional(),
    reelSets: z
      .record(Id, ReelSetSchema)
      .describe('Named reel sets, e.g. "base", "free"; modes and free spins refer to them.'),
    evaluation: EvaluationSchema,
    pays: z.array(PaySchema).default([]),
    scatterPays: z.array(ScatterPaySchema).optional(),
    freeSpins: FreeSpinsSchema.optional(),
  })
  .strict();

export const OutcomeSchema = z
  .object({
    id: Id,
    weight: PositiveInt.describe('Integer weight; probability weight / sum of weights.'),
    pay: NonNegativeInt.describe('Win units.'),
  })
  .strict();

export const TableGameSchema = z
  .object({
    ...commonFields,
    type: z.literal('table'),
    outcomes: z.array(OutcomeSchema).min(1).max(1_000_000),
  })
  .strict();

export const GameDefinitionSchema = z
  .discriminatedUnion('type', [ReelGameSchema, TableGameSchema])
  .describe('Croupier game definition, format version 1.');

export type GameDefinition = z.infer<typeof GameDefinitionSchema>;
export type ReelGameDefinition = z.infer<typeof ReelGameSchema>;
export type TableGameDefinition = z.infer<typeof TableGameSchema>;
export type SymbolDefinition = z.infer<typeof SymbolSchema>;
export type PayDefinition = z.infer<typeof PaySchema>;
export type ScatterPayDefinition = z.infer<typeof ScatterPaySchema>;
export type FreeSpinsDefinition = z.infer<typeof FreeSpinsSchema>;
export type ModeDefinition = z.infer<typeof ModeSchema>;
export type SpinAward = z.infer<typeof SpinAwardSchema>;
/** The input side (before defaults are applied), e.g. for authoring tools. */
export type GameDefinitionInput = z.input<typeof GameDefinitionSchema>;
