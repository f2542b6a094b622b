import { useState } from 'preact/hooks';
import { del, get, post, type Page, type Role } from '../api';
import { useEventReload } from '../event-reload';
import { Empty, ErrorBox, formatTime, useAction, useLoad } from '../ui';

interface Room {
  id: string;
  name: string;
  sinchConferenceId: string;
  locked: boolean;
  maxParticipants: number;
}
interface Participant {
  id: string;
  number: string | null;
  role: string;
  direction: string;
  state: 'ringing' | 'joined' | 'left';
  muted: boolean;
  onHold: boolean;
  talkingTimeS: number | null;
}
interface LiveView {
  room: Room;
  session: { id: string; startedAt: string; peakParticipants: number } | null;
  sinch: string;
  participants: Participant[];
}
interface SessionSummary {
  id: string;
  startedAt: string;
  endedAt: string | null;
  peakParticipants: number;
  participantCount: number;
  totalMinutes: string;
  totalCost: { currency: string; amount: string }[];
}
interface TimelineEntry {
  at: string;
  type: string;
  participantId?: string | null;
  number?: string | null;
  [field: string]: unknown;
}
interface SessionDetail extends SessionSummary {
  participants: Participant[];
  timeline: TimelineEntry[];
}

export function ConferencesPage({ role }: { role: Role }) {
  const rooms = useLoad(() => get<Page<Room>>('/api/v1/conferences?limit=200'), []);
  const [selected, setSelected] = useState<string>();
  const roomId = selected ?? rooms.data?.items[0]?.id;
  return (
    <div class="split">
      <section class="card" aria-label="Rooms">
        <h2>Rooms</h2>
        <ErrorBox error={rooms.error} />
        {rooms.data && rooms.data.items.length === 0 && <Empty>No conference rooms yet.</Empty>}
        <ul class="timeline">
          {rooms.data?.items.map((r) => (
            <li key={r.id}>
              <button type="button" class={r.id === roomId ? '' : 'secondary'} aria-pressed={r.id === roomId} onClick={() => setSelected(r.id)}>
                {r.name}
              </button>{' '}
              {r.locked && <span class="status">locked</span>}
            </li>
          ))}
        </ul>
      </section>
      {roomId ? <RoomView key={roomId} roomId={roomId} canAct={role === 'admin' || role === 'supervisor'} /> : <span />}
    </div>
  );
}

function RoomView({ roomId, canAct }: { roomId: string; canAct: boolean }) {
  const view = useLoad(() => get<LiveView>(`/api/v1/conferences/${roomId}`), [roomId]);
  const sessions = useLoad(() => get<Page<SessionSummary>>(`/api/v1/conferences/${roomId}/sessions`), [roomId]);
  const [sessionId, setSessionId] = useState<string>();
  const [destinations, setDestinations] = useState('');
  const action = useAction();
  const base = `/api/v1/conferences/${roomId}`;

  // Participants come and go by themselves: the conferences topic of the event stream triggers a re-read.
  useEventReload(
    '/api/v1/events?topics=conferences',
    (event) => {
      const data = event.data as { roomId?: string } | undefined;
      return event.event.startsWith('conferences.') && (!data?.roomId || data.roomId === roomId);
    },
    () => {
      view.reload();
      sessions.reload();
    },
    [roomId],
  );

  const act = (fn: () => Promise<unknown>) =>
    action.run(async () => {
      await fn();
      view.reload();
      sessions.reload();
    });
  const live = view.data;
  const present = live?.participants.filter((p) => p.state !== 'left') ?? [];

  return (
    <section class="card" aria-label="Room">
      <ErrorBox error={view.error} />
      <ErrorBox error={action.error} />
      {live && (
        <>
          <h2>
            {live.room.name} <span class="status">{live.room.locked ? 'locked' : 'open'}</span>
          </h2>
          <p class="hint">
            Sinch conference <code>{live.room.sinchConferenceId}</code> ·{' '}
            {live.session ? `session since ${formatTime(live.session.startedAt)}, peak ${live.session.peakParticipants}` : 'no open session'} · Sinch:{' '}
            {live.sinch}
          </p>
          {canAct && (
            <div class="toolbar">
              <button type="button" class="secondary" disabled={action.busy} onClick={() => act(() => post(`${base}/${live.room.locked ? 'unlock' : 'lock'}`))}>
                {live.room.locked ? 'Unlock room' : 'Lock room'}
              </button>
              <button type="button" class="secondary" disabled={action.busy || !present.length} onClick={() => act(() => post(`${base}/mute-all`))}>
                Mute all
              </button>
              <button type="button" class="danger" disabled={action.busy || !live.session} onClick={() => act(() => post(`${base}/end`))}>
                End conference
              </button>
              <form
                class="toolbar"
                onSubmit={(e) => {
                  e.preventDefault();
                  void act(() => post(`${base}/participants`, { destinations: destinations.split(/[\s,]+/).filter(Boolean) }));
                }}
              >
                <div class="field">
                  <label for="dial-out">Dial out (numbers)</label>
                  <input id="dial-out" value={destinations} placeholder="+46701234567" onInput={(e) => setDestinations(e.currentTarget.value)} />
                </div>
                <button type="submit" disabled={action.busy || !destinations.trim()}>
                  Call into room
                </button>
              </form>
            </div>
          )}
          <h3>Participants</h3>
          {present.length === 0 ? (
            <Empty>Nobody is in the room.</Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Number</th>
                    <th>Role</th>
                    <th>State</th>
                    <th>Audio</th>
                    <th class="num">Talking</th>
                    {canAct && <th>Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {present.map((p) => {
                    const who = p.number ?? p.id;
                    const path = `${base}/participants/${p.id}`;
                    return (
                      <tr key={p.id} data-testid="participant-row">
                        <td>{who}</td>
                        <td>{p.role}</td>
                        <td>
                          <span class={`status ${p.state}`}>{p.state}</span>
                        </td>
                        <td data-testid="audio">{[p.muted ? 'muted' : 'unmuted', p.onHold ? 'on hold' : ''].filter(Boolean).join(', ')}</td>
                        <td class="num">{p.talkingTimeS ?? '—'}s</td>
                        {canAct && (
                          <td class="actions">
                            <button
                              type="button"
                              class="secondary"
                              disabled={action.busy || p.state !== 'joined'}
                              aria-label={`${p.muted ? 'Unmute' : 'Mute'} ${who}`}
                              onClick={() => act(() => post(`${path}/${p.muted ? 'unmute' : 'mute'}`))}
                            >
                              {p.muted ? 'Unmute' : 'Mute'}
                            </button>
                            <button
                              type="button"
                              class="secondary"
                              disabled={action.busy || p.state !== 'joined'}
                              aria-label={`${p.onHold ? 'Resume' : 'Hold'} ${who}`}
                              onClick={() => act(() => post(`${path}/${p.onHold ? 'resume' : 'hold'}`))}
                            >
                              {p.onHold ? 'Resume' : 'Hold'}
                            </button>
                            <button type="button" class="danger" disabled={action.busy} aria-label={`Kick ${who}`} onClick={() => act(() => del(path))}>
                              Kick
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
        </>
      )}
      <h3>Sessions</h3>
      <ErrorBox error={sessions.error} />
      {sessions.data && sessions.data.items.length === 0 && <Empty>This room has had no session yet.</Empty>}
      {sessions.data && sessions.data.items.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Started</th>
                <th>Ended</th>
                <th class="num">Peak</th>
                <th class="num">Minutes</th>
                <th>Cost</th>
                <th>Timeline</th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.items.map((s) => (
                <tr key={s.id} class={s.id === sessionId ? 'selected' : ''}>
                  <td>{formatTime(s.startedAt)}</td>
                  <td>{formatTime(s.endedAt)}</td>
                  <td class="num">{s.peakParticipants}</td>
                  <td class="num">{s.totalMinutes}</td>
                  <td>{s.totalCost.map((c) => `${c.amount} ${c.currency}`).join(', ') || '—'}</td>
                  <td>
                    <button
                      type="button"
                      class="secondary"
                      onClick={() => setSessionId(s.id === sessionId ? undefined : s.id)}
                      aria-expanded={s.id === sessionId}
                    >
                      {s.id === sessionId ? 'Hide' : 'Show'} timeline
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {sessionId && <SessionTimeline roomId={roomId} sessionId={sessionId} />}
    </section>
  );
}

function SessionTimeline({ roomId, sessionId }: { roomId: string; sessionId: string }) {
  const detail = useLoad(() => get<SessionDetail>(`/api/v1/conferences/${roomId}/sessions/${sessionId}`), [roomId, sessionId]);
  const numberOf = (id?: string | null) => detail.data?.participants.find((p) => p.id === id)?.number ?? '';
  return (
    <div data-testid="session-timeline">
      <ErrorBox error={detail.error} />
      {detail.data && detail.data.timeline.length === 0 && <Empty>Nothing happened in this session.</Empty>}
      <ol class="timeline">
        {detail.data?.timeline.map((e, i) => (
          <li key={i}>
            <time dateTime={e.at}>{formatTime(e.at)}</time>
            <strong>{e.type}</strong> {e.number ?? numberOf(e.participantId)}
          </li>
        ))}
      </ol>
    </div>
  );
}
