export const ROLES = ['admin', 'supervisor', 'agent', 'reporting'] as const;
export type Role = (typeof ROLES)[number];
