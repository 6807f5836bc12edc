// The player journey shared by the k6 scripts and the Node runner.
export {
  backoffMs,
  type JourneyCall,
  type JourneyPort,
  pickBet,
  pickMode,
  runVisit,
  type Visit,
  type VisitEnd,
} from './journey.ts';
export type { PlayerProfile } from './player.ts';
export { seededRandom } from './random.ts';
export {
  type CallEffect,
  classifyReply,
  ENDPOINT_EFFECT,
  errorCodeOf,
  field,
  isApiAmount,
  type JourneyReply,
  outcomeOf,
  parseRetryAfterMs,
  type ReplyKind,
} from './replies.ts';
