import { featureError } from 'src/common/app-error';

// Errors of inbound queues, their callers, callbacks and agents: the codes by kind (the kind sets the HTTP status).
export class QueuesError extends featureError({
  not_found: ['queue_not_found', 'entry_not_found', 'callback_not_found', 'agent_not_found'],
  forbidden: ['key_not_bound_to_agent'],
  conflict: [
    'queue_has_callers',
    'queue_has_history',
    'queue_is_overflow_target',
    'queue_name_taken',
    'caller_not_waiting',
    'caller_gone',
    'callback_not_pending',
    'agent_on_call',
    'agent_not_available',
  ],
}) {}
