import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post, put, type Page, type Role } from '../api';
import { openStream } from '../events';
import { Empty, ErrorBox, formatDuration, useAction } from '../ui';

interface Queue {
  id: string;
  name: string;
  serviceLevelS: number;
  serviceLevelPercent: number;
}
interface LiveStats {
  queueId: string;
  waiting: number;
  offered: number;
  connected: number;
  longestWaitS: number;
  agents: Record<string, number>;
  expectedWaitS: number | null;
}
interface PeriodStats {
  serviceLevel: number | null;
  serviceLevelS: number;
  answered: number;
  abandoned: number;
}
interface Caller {
  entryId: string;
  position: number;
  state: string;
  fromNumber: string | null;
  waitS: number;
  priority: number;
  entryRoute: string;
  agentId: string | null;
}
interface Agent {
  id: string;
  name: string;
  status: string;
  statusSince: string;
  queues: { queueId: string; skill: number }[];
}
interface QueueBoard {
  queue: Queue;
  live: LiveStats;
  period: PeriodStats;
  callers: Caller[];
}
interface Board {
  queues: QueueBoard[];
  agents: Agent[];
  fetchedAt: number;
}

const SETTABLE = ['available', 'away', 'offline'] as const;

// Every queue's figures, or one queue's (each queue costs three requests per re-read).
async function loadBoard(only: string): Promise<Board & { all: Queue[] }> {
  const [queues, agents] = await Promise.all([get<Page<Queue>>('/api/v1/queues?limit=100'), get<Page<Agent>>('/api/v1/agents?limit=200')]);
  const boards = await Promise.all(
    queues.items
      .filter((queue) => !only || queue.id === only)
      .map(async (queue) => {
        const [live, period, callers] = await Promise.all([
          get<LiveStats>(`/api/v1/queues/${queue.id}/stats/live`),
          get<PeriodStats>(`/api/v1/queues/${queue.id}/stats`),
          get<Page<Caller>>(`/api/v1/queues/${queue.id}/callers`),
        ]);
        return { queue, live, period, callers: callers.items };
      }),
  );
  return { queues: boards, all: queues.items, agents: agents.items, fetchedAt: Date.now() };
}

// The wallboard: figures are re-read when the event stream says something changed; wait times tick every second.
export function LivePage({ role }: { role: Role }) {
  const [board, setBoard] = useState<Board & { all: Queue[] }>();
  const [only, setOnly] = useState('');
  const onlyRef = useRef(only);
  onlyRef.current = only;
  const [loadError, setLoadError] = useState<unknown>();
  const [stream, setStream] = useState<{ status: string; error?: string }>({ status: 'connecting' });
  const [now, setNow] = useState(Date.now());
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const action = useAction();
  const canAct = role === 'admin' || role === 'supervisor';

  const refresh = () =>
    loadBoard(onlyRef.current).then(
      (b) => {
        setBoard(b);
        setLoadError(undefined);
      },
      (e: unknown) => setLoadError(e),
    );

  useEffect(() => {
    const close = openStream('/api/v1/queues/events', {
      onEvent: (event) => {
        if (event.event === 'ready' || event.event === 'reset' || event.event.startsWith('queues.') || event.event.startsWith('agents.')) {
          clearTimeout(pending.current);
          pending.current = setTimeout(() => void refresh(), 150);
        }
      },
      onStatus: (status, error) => setStream({ status, error }),
    });
    const tick = setInterval(() => setNow(Date.now()), 1000);
    // Some figures move without an event (the service's live counts are refreshed on a timer, the service level with
    // time): a slow re-read besides the event-driven ones.
    const reread = setInterval(() => void refresh(), 5000);
    return () => {
      close();
      clearInterval(tick);
      clearInterval(reread);
      clearTimeout(pending.current);
    };
  }, []);

  const act = (fn: () => Promise<unknown>) =>
    action.run(async () => {
      await fn();
      await refresh();
    });
  const elapsed = board ? (now - board.fetchedAt) / 1000 : 0;
  const agents = board?.agents.filter((a) => !only || a.queues.some((q) => q.queueId === only)) ?? [];
  const available = agents.filter((a) => a.status === 'available');

  useEffect(() => void refresh(), [only]);

  return (
    <>
      <div class="toolbar">
        <div class="field">
          <label for="live-queue">Queue</label>
          <select id="live-queue" value={only} onChange={(e) => setOnly(e.currentTarget.value)}>
            <option value="">All queues</option>
            {board?.all.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p aria-live="polite">
        Event stream:{' '}
        <span class={`status ${stream.status}`} data-testid="stream-status">
          {stream.status}
        </span>
        {stream.error && <span> ({stream.error})</span>}
      </p>
      <ErrorBox error={loadError} />
      <ErrorBox error={action.error} />
      {!board && !loadError && <p class="empty">Loading…</p>}
      {board && board.queues.length === 0 && <Empty>No queues yet: create one with POST /api/v1/queues.</Empty>}
      <div class="grid wide">
        {board?.queues.map(({ queue, live, period, callers }) => {
          const waiting = callers.filter((c) => c.state === 'waiting');
          const longest = waiting.length ? Math.max(...waiting.map((c) => c.waitS)) + elapsed : live.longestWaitS;
          return (
            <section class="card" key={queue.id} aria-label={`Queue ${queue.name}`} data-testid="queue-card">
              <h2>{queue.name}</h2>
              <div class="tiles">
                <Tile label="Waiting" value={live.waiting} testid="waiting" />
                <Tile label="Offered" value={live.offered} testid="offered" />
                <Tile label="Connected" value={live.connected} testid="connected" />
                <Tile label="Longest wait" value={formatDuration(longest)} />
                <Tile
                  label={`Service level (${period.serviceLevelS}s, 24h)`}
                  value={period.serviceLevel === null ? '—' : `${Math.round(period.serviceLevel * 100)}%`}
                />
                <Tile label="Expected wait" value={live.expectedWaitS === null ? '—' : formatDuration(live.expectedWaitS)} />
              </div>
              <p class="hint">
                Agents:{' '}
                {Object.entries(live.agents)
                  .map(([status, n]) => `${n} ${status.replace('_', ' ')}`)
                  .join(' · ')}
              </p>
              <h3>Callers</h3>
              {callers.length === 0 ? (
                <Empty>No caller is waiting.</Empty>
              ) : (
                <div class="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th>#</th>
                        <th>Caller</th>
                        <th>State</th>
                        <th class="num">Wait</th>
                        {canAct && <th>Actions</th>}
                      </tr>
                    </thead>
                    <tbody>
                      {callers.map((c) => (
                        <CallerRow
                          key={c.entryId}
                          caller={c}
                          wait={c.waitS + (c.state === 'waiting' ? elapsed : 0)}
                          canAct={canAct}
                          queue={queue}
                          queues={board.all.filter((q) => q.id !== queue.id)}
                          available={available}
                          busy={action.busy}
                          act={act}
                        />
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          );
        })}
      </div>
      <h2>Agents</h2>
      {board && agents.length === 0 && <Empty>No agents{only ? ' in this queue' : ''}.</Empty>}
      {board && agents.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Agent</th>
                <th>Status</th>
                <th>Since</th>
                <th>Queues</th>
                {canAct && <th>Set status</th>}
              </tr>
            </thead>
            <tbody>
              {agents.map((a) => (
                <tr key={a.id} data-testid="agent-row">
                  <td>{a.name}</td>
                  <td>
                    <span class={`status ${a.status}`}>{a.status.replace('_', ' ')}</span>
                  </td>
                  <td>{formatDuration((now - Date.parse(a.statusSince)) / 1000)}</td>
                  <td>{a.queues.map((q) => board.all.find((b) => b.id === q.queueId)?.name ?? q.queueId).join(', ') || '—'}</td>
                  {canAct && (
                    <td class="actions">
                      {SETTABLE.map((s) => (
                        <button
                          key={s}
                          type="button"
                          class="secondary"
                          disabled={action.busy || a.status === s}
                          aria-label={`Set ${a.name} ${s}`}
                          onClick={() => act(() => put(`/api/v1/agents/${a.id}/status`, { status: s }))}
                        >
                          {s}
                        </button>
                      ))}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function Tile({ label, value, testid }: { label: string; value: string | number; testid?: string }) {
  return (
    <div class="tile">
      <span class="value" data-testid={testid}>
        {value}
      </span>
      <span class="label">{label}</span>
    </div>
  );
}

function CallerRow(props: {
  caller: Caller;
  wait: number;
  canAct: boolean;
  queue: Queue;
  queues: Queue[];
  available: Agent[];
  busy: boolean;
  act: (fn: () => Promise<unknown>) => Promise<void>;
}) {
  const { caller, queue } = props;
  const [agentId, setAgentId] = useState('');
  const [target, setTarget] = useState('');
  const base = `/api/v1/queues/${queue.id}/callers/${caller.entryId}`;
  const who = caller.fromNumber ?? 'unknown caller';
  return (
    <tr data-testid="caller-row">
      <td>{caller.position}</td>
      <td>{who}</td>
      <td>
        <span class={`status ${caller.state}`}>{caller.state}</span>
      </td>
      <td class="num">{formatDuration(props.wait)}</td>
      {props.canAct && (
        <td>
          <div class="actions">
            <select aria-label={`Agent for ${who}`} value={agentId} onChange={(e) => setAgentId(e.currentTarget.value)}>
              <option value="">Agent…</option>
              {props.available.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
            <button type="button" disabled={props.busy || !agentId} onClick={() => props.act(() => post(`${base}/send`, { agentId }))}>
              Send
            </button>
            <select aria-label={`Queue to move ${who} to`} value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
              <option value="">Queue…</option>
              {props.queues.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.name}
                </option>
              ))}
            </select>
            <button type="button" disabled={props.busy || !target} onClick={() => props.act(() => post(`${base}/move`, { queueId: target }))}>
              Move
            </button>
            <button type="button" class="danger" disabled={props.busy} onClick={() => props.act(() => post(`${base}/remove`, {}))}>
              Remove
            </button>
          </div>
        </td>
      )}
    </tr>
  );
}
