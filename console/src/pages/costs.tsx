import { useState } from 'preact/hooks';
import { download, get, query, type Page, type Role } from '../api';
import { Empty, ErrorBox, useAction, useLoad } from '../ui';
import { BudgetsPanel } from './budgets';

interface Money {
  currency: string;
  amount: string;
}
interface ReportRow {
  calls: number;
  answered: number;
  talkSeconds: number;
  billedMinutes: number;
  spend: Money[];
  costPerAnsweredCall: Money[];
  [dimension: string]: unknown;
}
interface Report {
  from: string;
  to: string;
  timeZone: string;
  groupBy: string[];
  items: ReportRow[];
  total: number;
  totals: ReportRow;
}

const DIMENSIONS = ['day', 'week', 'month', 'campaign', 'queue', 'conference', 'country', 'callerId', 'numberDialled', 'direction', 'result', 'agent'];
const STACKS = ['campaign', 'country'] as const;
const COLOURS = ['#0b5cad', '#f5a623', '#137333', '#b42318', '#6941c6', '#0e9384', '#c11574', '#475467'];
const DAY_MS = 86_400_000;
const dateInput = (d: Date) => d.toISOString().slice(0, 10);

export function CostsPage({ role }: { role: Role }) {
  const [from, setFrom] = useState(dateInput(new Date(Date.now() - 6 * DAY_MS)));
  const [to, setTo] = useState(dateInput(new Date()));
  const [stack, setStack] = useState<(typeof STACKS)[number]>('campaign');
  const [first, setFirst] = useState('day');
  const [second, setSecond] = useState('country');
  const [currency, setCurrency] = useState('');
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  // The period in the browser's time zone, `to` inclusive of its whole day.
  const period = { from: `${from}T00:00:00`, to: `${dateInput(new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS))}T00:00:00`, timeZone, currency };
  const instantOf = (local: string) => new Date(local).toISOString();
  const params = { ...period, from: instantOf(period.from), to: instantOf(period.to) };
  const groupBy = [first, second].filter((g, i, all) => g && all.indexOf(g) === i).join(',');

  const chart = useLoad(() => get<Report>(`/api/v1/reports/costs${query({ ...params, groupBy: `day,${stack}`, limit: 1000 })}`), [from, to, stack, currency]);
  const table = useLoad(() => get<Report>(`/api/v1/reports/costs${query({ ...params, groupBy, limit: 500 })}`), [from, to, groupBy, currency]);
  const campaigns = useLoad(() => get<Page<{ id: string; name: string }>>('/api/v1/campaigns?limit=100'), []);
  const action = useAction();
  const label = (dimension: string, value: unknown): string => {
    if (value === null || value === undefined) return `no ${dimension}`;
    if (dimension === 'campaign') return campaigns.data?.items.find((c) => c.id === value)?.name ?? String(value);
    return String(value);
  };

  return (
    <>
      <div class="toolbar">
        <div class="field">
          <label for="costs-from">From</label>
          <input id="costs-from" type="date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="costs-to">To (inclusive)</label>
          <input id="costs-to" type="date" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="costs-currency">Currency</label>
          <input
            id="costs-currency"
            size={4}
            maxLength={3}
            placeholder="all"
            value={currency}
            onChange={(e) => setCurrency(e.currentTarget.value.toUpperCase())}
          />
        </div>
        <div class="field">
          <label for="costs-stack">Chart stacked by</label>
          <select id="costs-stack" value={stack} onChange={(e) => setStack(e.currentTarget.value as (typeof STACKS)[number])}>
            {STACKS.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
      </div>
      <h2>Spend per day</h2>
      <ErrorBox error={chart.error} />
      {chart.data && <SpendChart report={chart.data} days={daysBetween(from, to)} stack={stack} label={label} />}
      <h2>Report</h2>
      <div class="toolbar">
        <div class="field">
          <label for="costs-group-1">Group by</label>
          <select id="costs-group-1" value={first} onChange={(e) => setFirst(e.currentTarget.value)}>
            {DIMENSIONS.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="costs-group-2">then by</label>
          <select id="costs-group-2" value={second} onChange={(e) => setSecond(e.currentTarget.value)}>
            <option value="">nothing</option>
            {DIMENSIONS.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </div>
        <button
          type="button"
          disabled={action.busy}
          onClick={() =>
            action.run(() => download(`/api/v1/reports/costs${query({ ...params, groupBy, format: 'csv' })}`, `costs-${from}-${to}.csv`, 'text/csv'))
          }
        >
          Download CSV
        </button>
      </div>
      <ErrorBox error={action.error} />
      <ErrorBox error={table.error} />
      {table.data && table.data.items.length === 0 && <Empty>No calls in this period.</Empty>}
      {table.data && table.data.items.length > 0 && (
        <div class="table-wrap">
          <table data-testid="costs-table">
            <thead>
              <tr>
                {table.data.groupBy.map((g) => (
                  <th key={g}>{g}</th>
                ))}
                <th class="num">Calls</th>
                <th class="num">Answered</th>
                <th class="num">Talk (s)</th>
                <th class="num">Billed min</th>
                <th class="num">Spend</th>
                <th class="num">Per answered call</th>
              </tr>
            </thead>
            <tbody>
              {table.data.items.map((row, i) => (
                <tr key={i}>
                  {table.data!.groupBy.map((g) => (
                    <td key={g}>{label(g, row[g])}</td>
                  ))}
                  <Measures row={row} />
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th colSpan={table.data.groupBy.length}>Total</th>
                <Measures row={table.data.totals} />
              </tr>
            </tfoot>
          </table>
        </div>
      )}
      <BudgetsPanel role={role} />
    </>
  );
}

// Every day of the period, so that days without spend show as gaps (at most 93, the API's longest period).
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`) && days.length < 93; t += DAY_MS) days.push(dateInput(new Date(t)));
  return days;
}

const money = (list: Money[]) => list.map((m) => `${m.amount} ${m.currency}`).join(', ') || '—';

function Measures({ row }: { row: ReportRow }) {
  return (
    <>
      <td class="num">{row.calls}</td>
      <td class="num">{row.answered}</td>
      <td class="num">{row.talkSeconds}</td>
      <td class="num">{row.billedMinutes}</td>
      <td class="num">{money(row.spend)}</td>
      <td class="num">{money(row.costPerAnsweredCall)}</td>
    </>
  );
}

// One stacked bar chart per currency: a bar per day, a segment per campaign or country. Amounts are decimal strings;
// they are turned into numbers only to size the bars (the table shows the API's exact figures).
function SpendChart(props: { report: Report; days: string[]; stack: string; label: (dimension: string, value: unknown) => string }) {
  const { report, stack, label } = props;
  const currencies = [...new Set(report.items.flatMap((r) => r.spend.map((s) => s.currency)))].sort();
  if (!currencies.length) return <Empty>No spend in this period.</Empty>;
  const days = [...new Set([...props.days, ...report.items.map((r) => String(r.day))])].sort();
  const keys = [...new Set(report.items.map((r) => label(stack, r[stack])))].sort();
  const colour = (key: string) => COLOURS[keys.indexOf(key) % COLOURS.length];
  return (
    <>
      <ul class="legend" aria-label={`Legend: ${stack}`}>
        {keys.map((k) => (
          <li key={k}>
            <span class="swatch" style={{ background: colour(k) }} />
            {k}
          </li>
        ))}
      </ul>
      {currencies.map((currency) => {
        const amount = (r: ReportRow) => Number(r.spend.find((s) => s.currency === currency)?.amount ?? 0);
        const totals = days.map((d) => report.items.filter((r) => r.day === d).reduce((n, r) => n + amount(r), 0));
        const max = Math.max(...totals, 0) || 1;
        const width = 720;
        const height = 240;
        const barWidth = Math.min(60, (width - 60) / days.length - 8);
        return (
          <figure class="card" key={currency} data-testid="spend-chart">
            <figcaption>
              Spend per day in {currency} (top of scale {max.toFixed(4)})
            </figcaption>
            <svg class="chart" viewBox={`0 0 ${width} ${height + 30}`} role="img" aria-label={`Spend per day in ${currency}, stacked by ${stack}`}>
              <line x1="50" y1={height} x2={width} y2={height} stroke="#98a2b3" />
              <text x="0" y="12" font-size="11">
                {max.toFixed(2)}
              </text>
              <text x="0" y={height} font-size="11">
                0
              </text>
              {days.map((day, i) => {
                let y = height;
                const x = 60 + i * ((width - 60) / days.length);
                return (
                  <g key={day}>
                    {report.items
                      .filter((r) => r.day === day && amount(r) > 0)
                      .map((r) => {
                        const h = (amount(r) / max) * (height - 20);
                        y -= h;
                        const name = label(stack, r[stack]);
                        return (
                          <rect key={name} x={x} y={y} width={barWidth} height={h} fill={colour(name)} data-testid="bar">
                            <title>{`${day} · ${name}: ${r.spend.find((s) => s.currency === currency)?.amount} ${currency}`}</title>
                          </rect>
                        );
                      })}
                    {(days.length <= 31 || i % Math.ceil(days.length / 31) === 0) && (
                      <text x={x} y={height + 16} font-size="11">
                        {day.slice(5)}
                      </text>
                    )}
                  </g>
                );
              })}
            </svg>
          </figure>
        );
      })}
    </>
  );
}
