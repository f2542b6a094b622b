export const RECONCILE_JOB = 'reconcile';
export const SWEEP_FOLLOW_UPS_JOB = 'sweep-follow-ups';
