// Statistics for supervisors: a period (the last 4, 12 or 52 weeks, or
// chosen dates), the headline figures, and charts — reports per week,
// decisions by category, the bank, removal rate and median time to removal
// per host and per partner, partners' feedback — each with the same figures
// as a table (for screen readers and for checking), and the CSV export.
// Counts only: nothing here identifies a victim or a piece of content.

import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { type Answer, call, client, download, filenameOf, saveBlob } from '../api.ts';
import { ErrorText, Loading, PageTitle, errorMessage, useLoad } from '../ui.tsx';

export type Stats = Answer<'/api/console/stats', 'get'>;

const DAY = 86_400_000;
const PERIODS = [4, 12, 52] as const;
const COLOURS = ['#2c5d8a', '#b5651d', '#1f6b3a', '#7a1f5c', '#5a5a9e', '#8a1f1f'];

/** A period as the API takes it: from the start of `from` to the end of `to` (UTC days). */
export function periodOf(choice: { weeks: number } | { from: string; to: string }, now: Date = new Date()): { from: string; to: string } {
  if ('weeks' in choice) {
    const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY);
    return { from: new Date(end.getTime() - choice.weeks * 7 * DAY).toISOString(), to: end.toISOString() };
  }
  return { from: new Date(`${choice.from}T00:00:00.000Z`).toISOString(), to: new Date(new Date(`${choice.to}T00:00:00.000Z`).getTime() + DAY).toISOString() };
}

function Figure({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="figure card">
      <span className="figure-value">{value}</span>
      <span className="figure-label">{label}</span>
    </div>
  );
}

interface Series {
  readonly key: string;
  readonly label: string;
}

/** A bar chart and, under it, the same figures as a table. */
function ChartWithTable({ id, title, rows, category, series, unit }: { id: string; title: string; rows: readonly Record<string, string | number | null>[]; category: { key: string; label: string }; series: readonly Series[]; unit?: string }) {
  const { t, i18n } = useTranslation('stats');
  const number = new Intl.NumberFormat(i18n.language === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 2 });
  return (
    <section className="chart card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {rows.length === 0 ? (
        <p className="hint">{t('empty')}</p>
      ) : (
        <>
          <div className="chart-area" aria-hidden="true">
            <ResponsiveContainer width="100%" height={260}>
              <BarChart data={[...rows]} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey={category.key} tick={{ fontSize: 12 }} />
                <YAxis allowDecimals={unit !== undefined} tick={{ fontSize: 12 }} width={44} />
                <Tooltip />
                {series.length > 1 && <Legend />}
                {series.map((s, i) => (
                  <Bar key={s.key} dataKey={s.key} name={s.label} fill={COLOURS[i % COLOURS.length] ?? '#2c5d8a'} isAnimationActive={false} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
          <details>
            <summary>{t('asTable')}</summary>
            <table>
              <caption className="visually-hidden">{title}</caption>
              <thead>
                <tr>
                  <th scope="col">{category.label}</th>
                  {series.map((s) => (
                    <th scope="col" key={s.key}>
                      {s.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={String(row[category.key])}>
                    <th scope="row">{row[category.key]}</th>
                    {series.map((s) => {
                      const value = row[s.key];
                      return <td key={s.key}>{value === null || value === undefined ? '—' : typeof value === 'number' ? `${number.format(value)}${unit ?? ''}` : value}</td>;
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}

export function StatsPage() {
  const { t, i18n } = useTranslation('stats');
  const [choice, setChoice] = useState<{ weeks: number } | { from: string; to: string }>({ weeks: 12 });
  const [custom, setCustom] = useState({ from: '', to: '' });
  const [exportError, setExportError] = useState<string | null>(null);
  const period = periodOf(choice);
  const stats = useLoad(() => call(client.GET('/api/console/stats', { params: { query: period } })), [period.from, period.to]);
  const percent = new Intl.NumberFormat(i18n.language === 'fr' ? 'fr-FR' : 'en-GB', { style: 'percent', maximumFractionDigits: 1 });
  const number = new Intl.NumberFormat(i18n.language === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 });
  const day = new Intl.DateTimeFormat(i18n.language === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

  const exportCsv = async () => {
    setExportError(null);
    try {
      const { blob, headers } = await download('GET', `/api/console/stats.csv?${new URLSearchParams(period).toString()}`);
      saveBlob(blob, filenameOf(headers, 'disrupt-stats.csv'));
    } catch (error) {
      setExportError(errorMessage(error, t));
    }
  };

  const data = stats.data;
  return (
    <>
      <PageTitle title={t('title')}>{t('title')}</PageTitle>
      <form
        className="toolbar"
        aria-label={t('period')}
        onSubmit={(event) => {
          event.preventDefault();
          if (custom.from !== '' && custom.to !== '' && custom.from <= custom.to) setChoice({ ...custom });
        }}
      >
        <fieldset className="period">
          <legend>{t('period')}</legend>
          {PERIODS.map((weeks) => (
            <label key={weeks} className="inline">
              <input
                type="radio"
                name="period"
                checked={'weeks' in choice && choice.weeks === weeks}
                onChange={() => {
                  setChoice({ weeks });
                }}
              />
              {t('lastWeeks', { count: weeks })}
            </label>
          ))}
        </fieldset>
        <label className="inline">
          {t('from')}
          <input type="date" value={custom.from} onChange={(e) => {
            setCustom({ ...custom, from: e.target.value });
          }} />
        </label>
        <label className="inline">
          {t('to')}
          <input type="date" value={custom.to} onChange={(e) => {
            setCustom({ ...custom, to: e.target.value });
          }} />
        </label>
        <button type="submit">{t('apply')}</button>
        <button type="button" className="primary" onClick={() => void exportCsv()}>
          {t('exportCsv')}
        </button>
      </form>
      {exportError && (
        <p role="alert" className="error">
          {exportError}
        </p>
      )}
      <ErrorText error={stats.error} onRetry={stats.reload} />
      {stats.loading && data === null && <Loading />}
      {data && (
        <div aria-live="polite" aria-busy={stats.loading}>
          <p className="hint">{t('periodShown', { from: day.format(new Date(data.period.from)), to: day.format(new Date(new Date(data.period.to).getTime() - 1)) })}</p>
          <div className="figures">
            <Figure label={t('figures.reports')} value={number.format(data.reports.total)} />
            <Figure label={t('figures.items')} value={number.format(Object.values(data.items.byKind).reduce((a, b) => a + b, 0))} />
            <Figure label={t('figures.bankActive')} value={number.format(data.bank.byStatus.active ?? 0)} />
            <Figure label={t('figures.removalRate')} value={data.removals.overall.removalRate === null ? '—' : percent.format(data.removals.overall.removalRate)} />
            <Figure label={t('figures.medianHours')} value={data.removals.overall.medianHoursToRemoval === null ? '—' : t('hours', { value: number.format(data.removals.overall.medianHoursToRemoval) })} />
            <Figure label={t('figures.blocked')} value={number.format(data.partners.feedback.Blocked ?? 0)} />
          </div>
          <div className="charts">
            <ChartWithTable
              id="weekly"
              title={t('charts.weekly')}
              rows={data.weekly.map((w) => ({ ...w, week: w.weekStart.slice(5) }))}
              category={{ key: 'week', label: t('columns.week') }}
              series={[
                { key: 'reports', label: t('columns.reports') },
                { key: 'accepted', label: t('columns.accepted') },
                { key: 'removed', label: t('columns.removed') },
              ]}
            />
            <ChartWithTable
              id="decisions"
              title={t('charts.decisions')}
              rows={Object.entries(data.decisions).map(([decision, n]) => ({ decision: t(`decisions.${decision}`, { defaultValue: decision }), n }))}
              category={{ key: 'decision', label: t('columns.decision') }}
              series={[{ key: 'n', label: t('columns.count') }]}
            />
            <ChartWithTable
              id="bank"
              title={t('charts.bank')}
              rows={Object.entries(data.bank.byStatus).map(([status, n]) => ({ status: t(`bankStatus.${status}`, { defaultValue: status }), n }))}
              category={{ key: 'status', label: t('columns.status') }}
              series={[{ key: 'n', label: t('columns.hashes') }]}
            />
            <ChartWithTable
              id="hosts"
              title={t('charts.byHost')}
              rows={data.removals.byHost.map((h) => ({ name: h.name, notified: h.notified, removed: h.removed, median: h.medianHoursToRemoval }))}
              category={{ key: 'name', label: t('columns.host') }}
              series={[
                { key: 'notified', label: t('columns.notified') },
                { key: 'removed', label: t('columns.removed') },
                { key: 'median', label: t('columns.medianHours') },
              ]}
            />
            <ChartWithTable
              id="partners-removal"
              title={t('charts.byPartner')}
              rows={data.removals.byPartner.map((h) => ({ name: h.name, notified: h.notified, removed: h.removed, median: h.medianHoursToRemoval }))}
              category={{ key: 'name', label: t('columns.partner') }}
              series={[
                { key: 'notified', label: t('columns.notified') },
                { key: 'removed', label: t('columns.removed') },
                { key: 'median', label: t('columns.medianHours') },
              ]}
            />
            <ChartWithTable
              id="feedback"
              title={t('charts.feedback')}
              rows={data.partners.byPartner.map((p) => ({ ...p }))}
              category={{ key: 'name', label: t('columns.partner') }}
              series={[
                { key: 'Blocked', label: t('feedback.Blocked') },
                { key: 'NotBlocked', label: t('feedback.NotBlocked') },
                { key: 'PendingReview', label: t('feedback.PendingReview') },
              ]}
            />
          </div>
        </div>
      )}
    </>
  );
}
