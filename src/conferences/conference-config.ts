// Sinch documents no rate limit for conference commands (treat 429 as back-pressure); we pace every command at
// this rate with this many in flight, per process, so a mute-everyone over 100 legs takes about 10 s, not a burst.
export const CONFERENCE_COMMANDS = { perSecond: 10, concurrency: 5 };
// A leg that joined this recently may not be in Sinch's conference info yet: not marked left for its absence.
export const JOIN_GRACE_MS = 3_000;
// Commands on a leg that has just been answered: Sinch may not have put it in the room yet (404), so they are
// tried a few times.
export const JOIN_COMMAND_TRIES = 6;
export const JOIN_COMMAND_RETRY_MS = 250;
