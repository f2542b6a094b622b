import { useEffect, useState } from 'preact/hooks';
import { get, query, request, type Page, type Role } from '../api';
import { Empty, ErrorBox, formatTime, useAction, useLoad } from '../ui';

interface Money {
  amount: string;
  currency: string;
}
interface Call {
  id: string;
  direction: string;
  kind: string;
  state: string;
  fromNumber: string | null;
  toNumber: string | null;
  country: string | null;
  result: string | null;
  reason: string | null;
  durationS: number | null;
  debit: Money | null;
  campaignId: string | null;
  createdAt: string;
}
interface CallEvent {
  id: string;
  kind: string;
  receivedAt: string;
  via: string;
  payload: unknown;
}
interface CallDetail extends Call {
  events: CallEvent[];
  errorMessage: string | null;
}
interface Recording {
  id: string;
  segment: number;
  status: string;
  durationS: number | null;
  startedAt: string | null;
  transcript: { text: string } | null;
}

const STATES = ['queued', 'initiated', 'ringing', 'answered', 'completed', 'busy', 'no_answer', 'failed', 'cancelled'];
const DIRECTIONS = ['outbound', 'inbound'];
const RESULTS = ['ANSWERED', 'BUSY', 'NOANSWER', 'FAILED', 'N/A'];
const PAGE_SIZE = 25;

interface Filters {
  state: string;
  direction: string;
  result: string;
  campaignId: string;
  number: string;
  from: string;
  to: string;
}
const NO_FILTERS: Filters = { state: '', direction: '', result: '', campaignId: '', number: '', from: '', to: '' };
// datetime-local inputs are local time; the API takes ISO 8601 instants.
const instant = (local: string) => (local ? new Date(local).toISOString() : undefined);

export function CallsPage({ role }: { role: Role }) {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [cursors, setCursors] = useState<string[]>([]); // the cursors of the pages before this one, then this one's
  const cursor = cursors[cursors.length - 1];
  const calls = useLoad(
    () => get<Page<Call>>(`/api/v1/calls${query({ ...filters, from: instant(filters.from), to: instant(filters.to), limit: PAGE_SIZE, cursor })}`),
    [filters, cursor],
  );
  const [selected, setSelected] = useState<string>();
  const field = (name: keyof Filters, label: string, input: preact.JSX.Element) => (
    <div class="field">
      <label for={`filter-${name}`}>{label}</label>
      {input}
    </div>
  );
  const bind = (name: keyof Filters) => ({
    id: `filter-${name}`,
    value: draft[name],
    onInput: (e: Event) => setDraft({ ...draft, [name]: (e.currentTarget as HTMLInputElement).value }),
  });
  const options = (values: string[]) => [<option value="">any</option>, ...values.map((v) => <option key={v}>{v}</option>)];

  return (
    <>
      <form
        class="toolbar"
        aria-label="Filters"
        onSubmit={(e) => {
          e.preventDefault();
          setCursors([]);
          setFilters(draft);
        }}
      >
        {field('state', 'State', <select {...bind('state')}>{options(STATES)}</select>)}
        {field('direction', 'Direction', <select {...bind('direction')}>{options(DIRECTIONS)}</select>)}
        {field('result', 'Result', <select {...bind('result')}>{options(RESULTS)}</select>)}
        {field('number', 'Number', <input {...bind('number')} placeholder="+46701234567" size={14} />)}
        {field('campaignId', 'Campaign id', <input {...bind('campaignId')} size={14} />)}
        {field('from', 'From', <input type="datetime-local" {...bind('from')} />)}
        {field('to', 'To', <input type="datetime-local" {...bind('to')} />)}
        <button type="submit">Apply filters</button>
      </form>
      <ErrorBox error={calls.error} />
      {calls.data && calls.data.items.length === 0 && <Empty>No calls match these filters.</Empty>}
      {calls.data && calls.data.items.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Created</th>
                <th>Direction</th>
                <th>From</th>
                <th>To</th>
                <th>State</th>
                <th>Result</th>
                <th class="num">Duration</th>
                <th class="num">Cost</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {calls.data.items.map((c) => (
                <tr key={c.id} class={c.id === selected ? 'selected' : ''} data-testid="call-row" data-call-id={c.id}>
                  <td>{formatTime(c.createdAt)}</td>
                  <td>{c.direction}</td>
                  <td>{c.fromNumber ?? '—'}</td>
                  <td>{c.toNumber ?? '—'}</td>
                  <td>
                    <span class={`status ${c.state}`}>{c.state}</span>
                  </td>
                  <td>{c.result ?? '—'}</td>
                  <td class="num">{c.durationS ?? '—'}</td>
                  <td class="num">{c.debit ? `${c.debit.amount} ${c.debit.currency}` : '—'}</td>
                  <td>
                    <button type="button" class="secondary" aria-label={`Timeline of the call to ${c.toNumber ?? c.id}`} onClick={() => setSelected(c.id)}>
                      Timeline
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="toolbar">
        <button type="button" class="secondary" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <button type="button" class="secondary" disabled={!calls.data?.nextCursor} onClick={() => setCursors([...cursors, calls.data!.nextCursor!])}>
          Next page
        </button>
      </div>
      {selected && <CallTimeline key={selected} callId={selected} mayListen={role === 'admin' || role === 'supervisor'} />}
    </>
  );
}

function CallTimeline({ callId, mayListen }: { callId: string; mayListen: boolean }) {
  const call = useLoad(() => get<CallDetail>(`/api/v1/calls/${callId}`), [callId]);
  const recordings = useLoad(() => get<Page<Recording>>(`/api/v1/recordings${query({ callId })}`), [callId]);
  const c = call.data;
  return (
    <section class="card" aria-label="Call timeline" data-testid="call-timeline">
      <h2>Call {c ? `${c.direction} to ${c.toNumber ?? '—'}` : ''}</h2>
      <ErrorBox error={call.error} />
      {c && (
        <>
          <p class="hint">
            {c.kind} · {c.state} · result {c.result ?? '—'} {c.reason ? `(${c.reason})` : ''} · {c.durationS ?? '—'} s ·{' '}
            {c.debit ? `${c.debit.amount} ${c.debit.currency}` : 'no cost yet'}
            {c.errorMessage ? ` · ${c.errorMessage}` : ''}
          </p>
          <h3>Callbacks</h3>
          {c.events.length === 0 ? (
            <Empty>No callback received for this call yet.</Empty>
          ) : (
            <ol class="timeline">
              {c.events.map((e) => (
                <li key={e.id}>
                  <time dateTime={e.receivedAt}>{formatTime(e.receivedAt)}</time>
                  <strong>{e.kind.toUpperCase()}</strong> via {e.via}
                  <details>
                    <summary>Payload</summary>
                    <pre>{JSON.stringify(e.payload, null, 2)}</pre>
                  </details>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
      <h3>Recordings</h3>
      <ErrorBox error={recordings.error} />
      {recordings.data && recordings.data.items.length === 0 && <Empty>This call has no recording.</Empty>}
      {recordings.data?.items.map((r) => (
        <RecordingPlayer key={r.id} recording={r} mayListen={mayListen} />
      ))}
    </section>
  );
}

// The media route needs the Authorization header, which an <audio src> cannot send: the audio is fetched, then
// played from a blob: URL (the console's CSP allows media from blob:).
function RecordingPlayer({ recording, mayListen }: { recording: Recording; mayListen: boolean }) {
  const [url, setUrl] = useState<string>();
  const action = useAction();
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);
  const load = () =>
    action.run(async () => {
      const response = await request('GET', `/api/v1/recordings/${recording.id}/media`);
      setUrl(URL.createObjectURL(await response.blob()));
    });
  return (
    <div class="card" data-testid="recording">
      <p>
        Segment {recording.segment} · <span class="status">{recording.status}</span> · {recording.durationS ?? '—'} s · started{' '}
        {formatTime(recording.startedAt)}
      </p>
      {recording.transcript && <p class="hint">Transcript: {recording.transcript.text}</p>}
      {!mayListen && <p class="hint">Listening needs an admin or supervisor key.</p>}
      {mayListen && recording.status === 'available' && !url && (
        <button type="button" disabled={action.busy} onClick={load}>
          Load recording
        </button>
      )}
      {url && <audio controls src={url} aria-label={`Recording segment ${recording.segment}`} data-testid="recording-audio" />}
      <ErrorBox error={action.error} />
    </div>
  );
}
