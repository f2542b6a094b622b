import { featureError } from 'src/common/app-error';

// Errors of cost reports and spend budgets: the codes by kind (the kind sets the HTTP status). A bad query or budget
// is a field problem (`invalidField`), answered as any other bad input.
export class ReportsError extends featureError({
  not_found: ['budget_not_found'],
}) {}
