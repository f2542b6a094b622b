// A leg that joined this recently may not be in Sinch's conference info yet: not marked left for its absence.
export const JOIN_GRACE_MS = 3_000;
// Commands on a leg that has just been answered: Sinch may not have put it in the room yet (404), so they are
// tried a few times.
export const JOIN_COMMAND_TRIES = 6;
export const JOIN_COMMAND_RETRY_MS = 250;
