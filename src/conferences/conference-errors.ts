import { AppError } from 'src/common/app-error';

export const roomNotFound = (id: string) => new AppError('not_found', `Conference room ${id} not found`, undefined, 'conference_not_found');
export const participantNotFound = (id: string) =>
  new AppError('not_found', `Participant ${id} is not in this conference room`, undefined, 'participant_not_found');
export const conferenceEnded = (what: string) => new AppError('conflict', what, undefined, 'conference_ended');
export const participantLeft = (id: string) =>
  new AppError('conflict', `Participant ${id} has left the conference; there is nothing to moderate`, undefined, 'participant_left');
export const participantNotJoined = (id: string) =>
  new AppError('conflict', `Participant ${id} has not joined yet (its call is still ringing)`, undefined, 'participant_not_joined');
export const roomRefuses = (message: string) => new AppError('conflict', message, undefined, 'conference_refuses');
export const invalidField = (field: string, rule: string, message: string) => new AppError('invalid', message, [{ field, rule, message }]);
