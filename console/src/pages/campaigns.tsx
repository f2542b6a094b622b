import { useState } from 'preact/hooks';
import { get, post, query, upload, type Page, type Role } from '../api';
import { useEventReload } from '../event-reload';
import { Empty, ErrorBox, formatTime, Progress, useAction, useLoad } from '../ui';

interface Campaign {
  id: string;
  name: string;
  status: string;
  statusReason: string | null;
  pacing: { callsPerSecond: number; maxConcurrent: number };
  spendCap: { amount: string; currency: string } | null;
  spent: string;
  startedAt: string | null;
  finishedAt: string | null;
}
interface Stats {
  contacts: { total: number; byStatus: Record<string, number> };
  calls: { total: number; placed: number; inFlight: number; byResult: Record<string, number> };
  answerRate: number | null;
  machineRate: number | null;
  optOuts: number;
  spend: { currency: string; amount: string }[];
  averageTalkTimeS: number | null;
  callsPerSecond: { configured: number; lastMinute: number | null; overall: number | null };
}
interface ImportResult {
  rows: number;
  inserted: number;
  merged: number;
  dnc: number;
  rejected: number;
  errors: { line: number; field?: string; reason: string; phone?: string }[];
  errorsTruncated: boolean;
}
interface Row {
  campaign: Campaign;
  stats: Stats;
}

const STATUSES = ['draft', 'running', 'paused', 'completed', 'cancelled'];
const FINAL_CONTACTS = ['completed', 'failed', 'exhausted', 'dnc', 'skipped'];
// The lifecycle actions the API offers from each status (409 otherwise, shown as the API words it).
const ACTIONS: Record<string, string[]> = { draft: ['start', 'cancel'], running: ['pause', 'cancel'], paused: ['resume', 'cancel'] };

const done = (s: Stats) => FINAL_CONTACTS.reduce((n, status) => n + (s.contacts.byStatus[status] ?? 0), 0);
const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)}%`);

async function loadRows(status: string): Promise<Row[]> {
  const page = await get<Page<Campaign>>(`/api/v1/campaigns${query({ status, limit: 100 })}`);
  return Promise.all(page.items.map(async (campaign) => ({ campaign, stats: await get<Stats>(`/api/v1/campaigns/${campaign.id}/stats`) })));
}

export function CampaignsPage({ role }: { role: Role }) {
  const [status, setStatus] = useState('');
  const rows = useLoad(() => loadRows(status), [status]);
  // Progress moves by itself: the campaigns topic of the event stream triggers a re-read (at most once a second).
  useEventReload('/api/v1/events?topics=campaigns', (event) => event.event.startsWith('campaigns.'), rows.reload, [], 1000);
  const [selected, setSelected] = useState<string>();
  const action = useAction();
  const canAct = role === 'admin' || role === 'supervisor';
  const current = rows.data?.find((r) => r.campaign.id === selected);

  return (
    <>
      <div class="toolbar">
        <div class="field">
          <label for="campaign-status">Status</label>
          <select id="campaign-status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <button type="button" class="secondary" onClick={rows.reload}>
          Refresh
        </button>
      </div>
      <ErrorBox error={rows.error} />
      <ErrorBox error={action.error} />
      {rows.data && rows.data.length === 0 && <Empty>No campaigns{status ? ` with status ${status}` : ''}.</Empty>}
      {rows.data && rows.data.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Campaign</th>
                <th>Status</th>
                <th>Progress</th>
                <th class="num">Answer rate</th>
                <th class="num">Calls/s (set / last min)</th>
                <th>Spend</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.data.map(({ campaign: c, stats: s }) => (
                <tr key={c.id} class={c.id === selected ? 'selected' : ''} data-testid="campaign-row">
                  <td>{c.name}</td>
                  <td>
                    <span class={`status ${c.status}`} data-testid="campaign-status">
                      {c.status}
                    </span>
                    {c.statusReason && <div class="hint">{c.statusReason}</div>}
                  </td>
                  <td>
                    <Progress value={done(s)} max={s.contacts.total} label={`${c.name} progress`} />
                    <span class="hint">
                      {done(s)} / {s.contacts.total} contacts
                    </span>
                  </td>
                  <td class="num">{percent(s.answerRate)}</td>
                  <td class="num">
                    {s.callsPerSecond.configured} / {s.callsPerSecond.lastMinute ?? '—'}
                  </td>
                  <td>
                    {s.spend.map((x) => `${x.amount} ${x.currency}`).join(', ') || '—'}
                    {c.spendCap && <div class="hint">cap {`${c.spendCap.amount} ${c.spendCap.currency}`}</div>}
                  </td>
                  <td class="actions">
                    <button type="button" class="secondary" aria-expanded={c.id === selected} onClick={() => setSelected(c.id === selected ? undefined : c.id)}>
                      Details
                    </button>
                    {canAct &&
                      (ACTIONS[c.status] ?? []).map((a) => (
                        <button
                          key={a}
                          type="button"
                          class={a === 'cancel' ? 'danger' : ''}
                          disabled={action.busy}
                          aria-label={`${a} ${c.name}`}
                          onClick={() =>
                            action.run(async () => {
                              await post(`/api/v1/campaigns/${c.id}/${a}`);
                              rows.reload();
                            })
                          }
                        >
                          {a[0].toUpperCase() + a.slice(1)}
                        </button>
                      ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {current && <CampaignDetail row={current} canAct={canAct} onChanged={rows.reload} />}
    </>
  );
}

function CampaignDetail({ row, canAct, onChanged }: { row: Row; canAct: boolean; onChanged: () => void }) {
  const { campaign: c, stats: s } = row;
  return (
    <section class="card" aria-label={`Campaign ${c.name}`}>
      <h2>{c.name}</h2>
      <p class="hint">
        Started {formatTime(c.startedAt)} · finished {formatTime(c.finishedAt)} · pacing {c.pacing.callsPerSecond} calls/s, at most {c.pacing.maxConcurrent} at
        once · achieved {s.callsPerSecond.overall ?? '—'} calls/s overall
      </p>
      <div class="tiles">
        {Object.entries(s.contacts.byStatus).map(([status, n]) => (
          <div class="tile" key={status}>
            <span class="value">{n}</span>
            <span class="label">contacts {status.replace('_', ' ')}</span>
          </div>
        ))}
        <div class="tile">
          <span class="value">{s.calls.inFlight}</span>
          <span class="label">calls in flight</span>
        </div>
        <div class="tile">
          <span class="value">{percent(s.machineRate)}</span>
          <span class="label">machine rate</span>
        </div>
        <div class="tile">
          <span class="value">{s.optOuts}</span>
          <span class="label">opt-outs</span>
        </div>
        <div class="tile">
          <span class="value">{s.averageTalkTimeS ?? '—'}</span>
          <span class="label">avg talk (s)</span>
        </div>
      </div>
      <p class="hint">
        Calls by result:{' '}
        {Object.entries(s.calls.byResult)
          .map(([r, n]) => `${r} ${n}`)
          .join(' · ') || 'none yet'}
      </p>
      {canAct && <ContactsImport campaignId={c.id} onImported={onChanged} />}
    </section>
  );
}

function ContactsImport({ campaignId, onImported }: { campaignId: string; onImported: () => void }) {
  const [file, setFile] = useState<File>();
  const [defaultCountry, setDefaultCountry] = useState('');
  const [progress, setProgress] = useState<{ sent: number; total: number }>();
  const [result, setResult] = useState<ImportResult>();
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    if (!file) return;
    setResult(undefined);
    void action.run(async () => {
      const path = `/api/v1/campaigns/${campaignId}/contacts${query({ defaultCountry: defaultCountry.trim().toUpperCase() })}`;
      setResult(await upload<ImportResult>(path, file, 'text/csv', (sent, total) => setProgress({ sent, total })));
      onImported();
    });
  };
  return (
    <form onSubmit={submit} aria-label="Import contacts">
      <h3>Import contacts (CSV)</h3>
      <div class="toolbar">
        <div class="field">
          <label for="contacts-file">CSV file (a header line with phone and any variables)</label>
          <input id="contacts-file" type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.currentTarget.files?.[0])} />
        </div>
        <div class="field">
          <label for="default-country">Default country (for numbers without +)</label>
          <input id="default-country" size={4} maxLength={2} value={defaultCountry} onInput={(e) => setDefaultCountry(e.currentTarget.value)} />
        </div>
        <button type="submit" disabled={!file || action.busy}>
          Upload
        </button>
      </div>
      {progress && <Progress value={progress.sent} max={progress.total} label="Upload progress" />}
      <ErrorBox error={action.error} />
      {result && (
        <div data-testid="import-result" aria-live="polite">
          <p>
            {result.rows} rows: {result.inserted} added, {result.merged} merged, {result.dnc} on the do-not-call list, {result.rejected} rejected.
          </p>
          {result.errors.length > 0 && (
            <div class="table-wrap">
              <table>
                <caption>Rejected lines{result.errorsTruncated ? ' (the first ones)' : ''}</caption>
                <thead>
                  <tr>
                    <th class="num">Line</th>
                    <th>Field</th>
                    <th>Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {result.errors.map((e) => (
                    <tr key={e.line} data-testid="rejected-line">
                      <td class="num">{e.line}</td>
                      <td>{e.field ?? '—'}</td>
                      <td>{e.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </form>
  );
}
