import { useState } from 'preact/hooks';
import { del, get, post, type Page, type Role } from '../api';
import { percentOf } from '../percent';
import { Empty, ErrorBox, formatTime, Progress, useAction, useLoad } from '../ui';

// The API's BudgetResponse (src/reports/budgets/budget.dto.ts): the budget, its spend in the current period and the
// thresholds crossed in it.
interface Budget {
  id: string;
  name: string;
  scope: 'global' | 'campaign' | 'queue';
  scopeId: string | null;
  period: 'day' | 'month';
  timeZone: string;
  currency: string;
  amount: string;
  thresholds: number[];
  pauseAtLimit: boolean;
  alertUrls: string[];
  periodStart: string;
  spent: string;
  alerts: { id: string; threshold: number; spend: string; crossedAt: string }[];
}

type Named = { id: string; name: string };

// What the API does at 100 % (a queue budget pauses nothing).
const atLimit = (b: Budget): string =>
  !b.pauseAtLimit || b.scope === 'queue' ? 'alerts only' : b.scope === 'global' ? 'at 100 %: campaigns paused, callouts refused' : 'at 100 %: campaign paused';

// The budgets and their state; only admin may create or delete one (the API's roles), the others read.
export function BudgetsPanel({ role }: { role: Role }) {
  const canEdit = role === 'admin';
  const budgets = useLoad(() => get<Budget[]>('/api/v1/budgets'), []);
  const campaigns = useLoad(() => get<Page<Named>>('/api/v1/campaigns?limit=100'), []);
  const queues = useLoad(() => get<Page<Named>>('/api/v1/queues?limit=100'), []);
  const action = useAction();
  const scopeName = (b: Budget): string => {
    if (b.scope === 'global') return 'global';
    const list = b.scope === 'campaign' ? campaigns.data?.items : queues.data?.items;
    return `${b.scope} ${list?.find((x) => x.id === b.scopeId)?.name ?? b.scopeId}`;
  };

  return (
    <section aria-label="Budgets">
      <h2>Budgets</h2>
      <ErrorBox error={budgets.error} />
      <ErrorBox error={action.error} />
      {budgets.data && budgets.data.length === 0 && <Empty>No budget is set.</Empty>}
      {budgets.data && budgets.data.length > 0 && (
        <div class="table-wrap">
          <table data-testid="budgets-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Scope</th>
                <th>Period</th>
                <th class="num">Limit</th>
                <th class="num">Spent</th>
                <th>Used</th>
                <th>Thresholds crossed</th>
                {canEdit && <th>Actions</th>}
              </tr>
            </thead>
            <tbody>
              {budgets.data.map((b) => {
                const used = percentOf(b.spent, b.amount);
                return (
                  <tr key={b.id} data-testid="budget-row">
                    <td>{b.name}</td>
                    <td>{scopeName(b)}</td>
                    <td>
                      {b.period} from {b.periodStart}
                      <div class="hint">{b.timeZone}</div>
                    </td>
                    <td class="num">{`${b.amount} ${b.currency}`}</td>
                    <td class="num" data-testid="budget-spent">{`${b.spent} ${b.currency}`}</td>
                    <td>
                      <Progress value={Math.min(Number.parseFloat(used) || 0, 100)} max={100} label={`${b.name}: ${used} used`} />{' '}
                      <span data-testid="budget-used">{used}</span>
                      <div class="hint">{atLimit(b)}</div>
                    </td>
                    <td data-testid="budget-alerts">
                      {b.alerts.length === 0
                        ? `none of ${b.thresholds.join(', ')} %`
                        : b.alerts.map((a) => (
                            <div key={a.id}>
                              {a.threshold} % at {`${a.spend} ${b.currency}`} <span class="hint">{formatTime(a.crossedAt)}</span>
                            </div>
                          ))}
                    </td>
                    {canEdit && (
                      <td class="actions">
                        <button
                          type="button"
                          class="secondary"
                          aria-label={`Delete budget ${b.name}`}
                          disabled={action.busy}
                          onClick={() => action.run(() => del(`/api/v1/budgets/${b.id}`).then(budgets.reload))}
                        >
                          Delete
                        </button>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {canEdit && <BudgetForm campaigns={campaigns.data?.items ?? []} queues={queues.data?.items ?? []} onCreated={budgets.reload} />}
    </section>
  );
}

function BudgetForm({ campaigns, queues, onCreated }: { campaigns: Named[]; queues: Named[]; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<Budget['scope']>('global');
  const [scopeId, setScopeId] = useState('');
  const [period, setPeriod] = useState<Budget['period']>('month');
  const [timeZone, setTimeZone] = useState('UTC');
  const [currency, setCurrency] = useState('USD');
  const [amount, setAmount] = useState('');
  const [thresholds, setThresholds] = useState('50, 80, 100');
  const [pauseAtLimit, setPauseAtLimit] = useState(true);
  const action = useAction();
  const targets = scope === 'campaign' ? campaigns : scope === 'queue' ? queues : [];

  return (
    <form
      class="card"
      aria-label="New budget"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          // Sent as typed: the API checks every field and its refusal is shown as it words it.
          await post('/api/v1/budgets', {
            name,
            scope,
            ...(scope === 'global' ? {} : { scopeId }),
            period,
            timeZone,
            currency,
            amount,
            thresholds: thresholds
              .split(/[\s,]+/)
              .filter(Boolean)
              .map((t) => (/^\d+$/.test(t) ? Number(t) : t)),
            pauseAtLimit,
          });
          setName('');
          setAmount('');
          onCreated();
        });
      }}
    >
      <h3>New budget</h3>
      <div class="toolbar">
        <div class="field">
          <label for="budget-name">Name</label>
          <input id="budget-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="budget-scope">Scope</label>
          <select
            id="budget-scope"
            value={scope}
            onChange={(e) => {
              setScope(e.currentTarget.value as Budget['scope']);
              setScopeId('');
            }}
          >
            <option>global</option>
            <option>campaign</option>
            <option>queue</option>
          </select>
        </div>
        {scope !== 'global' && (
          <div class="field">
            <label for="budget-target">{scope === 'campaign' ? 'Campaign' : 'Queue'}</label>
            <select id="budget-target" value={scopeId} onChange={(e) => setScopeId(e.currentTarget.value)}>
              <option value="">pick one</option>
              {targets.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div class="field">
          <label for="budget-period">Period</label>
          <select id="budget-period" value={period} onChange={(e) => setPeriod(e.currentTarget.value as Budget['period'])}>
            <option>day</option>
            <option>month</option>
          </select>
        </div>
        <div class="field">
          <label for="budget-zone">Time zone</label>
          <input id="budget-zone" size={14} value={timeZone} onInput={(e) => setTimeZone(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="budget-currency">Currency</label>
          <input id="budget-currency" size={4} maxLength={3} value={currency} onInput={(e) => setCurrency(e.currentTarget.value.toUpperCase())} />
        </div>
        <div class="field">
          <label for="budget-amount">Limit</label>
          <input id="budget-amount" size={10} inputMode="decimal" placeholder="100.00" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="budget-thresholds">Thresholds (%)</label>
          <input id="budget-thresholds" size={12} value={thresholds} onInput={(e) => setThresholds(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label>
            <input type="checkbox" checked={pauseAtLimit} onChange={(e) => setPauseAtLimit(e.currentTarget.checked)} /> Pause at limit
          </label>
        </div>
        <button type="submit" disabled={action.busy}>
          Create budget
        </button>
      </div>
      <ErrorBox error={action.error} />
    </form>
  );
}
