import { get, put, type Page } from '../api';
import { Empty, ErrorBox, formatTime, useAction, useLoad } from '../ui';

interface Me {
  id: string;
  name: string;
  status: string;
  statusSince: string;
}
interface AgentCall {
  entryId: string;
  queueId: string;
  state: string;
  fromNumber?: string | null;
  offeredAt?: string | null;
  answeredAt?: string | null;
  endedAt?: string | null;
  [field: string]: unknown;
}

// An agent key reaches only its own record: its status switch and its calls.
export function AgentPage() {
  const me = useLoad(() => get<Me>('/api/v1/agents/me'), []);
  const calls = useLoad(() => get<Page<AgentCall>>('/api/v1/agents/me/calls'), []);
  const action = useAction();
  const set = (status: string) =>
    action.run(async () => {
      await put('/api/v1/agents/me/status', { status });
      me.reload();
    });
  return (
    <>
      <ErrorBox error={me.error} />
      <ErrorBox error={action.error} />
      {me.data && (
        <section class="card" aria-label="My status">
          <h2>{me.data.name}</h2>
          <p>
            Status{' '}
            <span class={`status ${me.data.status}`} data-testid="my-status">
              {me.data.status}
            </span>{' '}
            since {formatTime(me.data.statusSince)}
          </p>
          <div class="actions" role="group" aria-label="Set my status">
            {['available', 'away', 'offline'].map((s) => (
              <button key={s} type="button" class="secondary" disabled={action.busy || me.data!.status === s} onClick={() => set(s)}>
                {s}
              </button>
            ))}
          </div>
        </section>
      )}
      <h2>My calls</h2>
      <ErrorBox error={calls.error} />
      {calls.data && calls.data.items.length === 0 && <Empty>No queue calls yet.</Empty>}
      {calls.data && calls.data.items.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Caller</th>
                <th>State</th>
                <th>Answered</th>
                <th>Ended</th>
              </tr>
            </thead>
            <tbody>
              {calls.data.items.map((c) => (
                <tr key={c.entryId}>
                  <td>{c.fromNumber ?? '—'}</td>
                  <td>{c.state}</td>
                  <td>{formatTime(c.answeredAt)}</td>
                  <td>{formatTime(c.endedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
