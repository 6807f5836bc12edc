// The Jepsen-style books checker: a client-side History against the RGS's books.
export { type CheckBooksOptions, checkBooks, type SessionResolution } from './check-books.ts';
export { type PlayIntent, playIntents } from './intents.ts';
export { isBad, type Recovery, recoveryAfter } from './recovery.ts';
