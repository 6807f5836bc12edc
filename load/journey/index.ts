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
  classifyReply,
  errorCodeOf,
  field,
  isApiAmount,
  type JourneyReply,
  parseRetryAfterMs,
  type ReplyKind,
} from './replies.ts';
