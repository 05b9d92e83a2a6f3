// The negative bank (admin): PDQ hashes of known benign images (stock photos,
// memes, logos). A hash within the match distance of one never enters the
// bank; an active entry that close is held for an analyst. Admins paste many
// lines at once and get an outcome per line. The hashes are shown here (they
// are benign and the page is admin-only) but never put in an address.

import { type SyntheticEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Answer, call, client } from '../api.ts';
import { formatDateTime } from '../i18n.ts';
import { ErrorText, PageTitle, useLoad, useShortcuts, LoadedView } from '../ui.tsx';
import { type ConfirmRequest, ConfirmDialog, LiveStatus, ResultPanel, ShortcutHint } from './widgets.tsx';

type Entry = Answer<'/api/console/negative-bank', 'get'>['entries'][number];

/** The server's limits: a request holds at most this many entries, a label this many characters. */
const BATCH = 1000;
const MAX_LABEL = 200;
const PDQ_LENGTH = 64;

type Outcome = 'added' | 'present' | 'malformed' | 'labelTooLong';

interface LineResult {
  readonly line: number;
  readonly pdq: string;
  readonly outcome: Outcome;
}

interface Parsed {
  readonly line: number;
  readonly pdq: string;
  readonly label: string | undefined;
}

/** One entry a line: the hash, then an optional label after a space, tab or comma. Blank lines are skipped. */
function parseLines(text: string): Parsed[] {
  const parsed: Parsed[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const match = /^([^\s,]+)[\s,]*(.*)$/.exec(line);
    const label = match?.[2]?.trim() ?? '';
    parsed.push({ line: i + 1, pdq: match?.[1] ?? line, label: label === '' ? undefined : label });
  }
  return parsed;
}

export function NegativeBankPage() {
  const { t, i18n } = useTranslation('admin');
  const entries = useLoad(() => call(client.GET('/api/console/negative-bank')), []);
  const [status, setStatus] = useState('');
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const [text, setText] = useState('');
  const [results, setResults] = useState<{ lines: LineResult[]; quarantined: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const textArea = useRef<HTMLTextAreaElement>(null);

  useShortcuts({ a: () => textArea.current?.focus() });

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const parsed = parseLines(text);
    if (parsed.length === 0) return;
    setBusy(true);
    setError(null);
    setResults(null);
    setStatus('');
    const lines: LineResult[] = [];
    const sendable: Parsed[] = [];
    for (const entry of parsed) {
      // Refused here rather than failing the whole request at the server's schema.
      if (entry.pdq.length > PDQ_LENGTH) lines.push({ line: entry.line, pdq: entry.pdq, outcome: 'malformed' });
      else if ((entry.label?.length ?? 0) > MAX_LABEL) lines.push({ line: entry.line, pdq: entry.pdq, outcome: 'labelTooLong' });
      else sendable.push(entry);
    }
    let quarantined = 0;
    try {
      for (let start = 0; start < sendable.length; start += BATCH) {
        const batch = sendable.slice(start, start + BATCH);
        const answer = await call(client.POST('/api/console/negative-bank', { body: { entries: batch.map((e) => (e.label === undefined ? { pdq: e.pdq } : { pdq: e.pdq, label: e.label })) } }));
        quarantined += answer.quarantined;
        for (const result of answer.results) {
          const entry = batch[result.index];
          if (entry) lines.push({ line: entry.line, pdq: entry.pdq, outcome: result.ok ? (result.created ? 'added' : 'present') : 'malformed' });
        }
      }
      lines.sort((a, b) => a.line - b.line);
      setResults({ lines, quarantined });
      // Keep only the lines that need another look.
      const keep = new Set(lines.filter((l) => l.outcome === 'malformed' || l.outcome === 'labelTooLong').map((l) => l.line));
      setText(
        text
          .split(/\r?\n/)
          .filter((_, i) => keep.has(i + 1))
          .join('\n'),
      );
      entries.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const remove = (entry: Entry) => {
    setConfirm({
      title: t('negative.deleteTitle'),
      body: (
        <>
          <p>{t('negative.deleteBody')}</p>
          <p className="hash">{entry.value}</p>
          {entry.label && <p>{entry.label}</p>}
        </>
      ),
      confirmLabel: t('negative.delete'),
      onConfirm: async () => {
        await call(client.DELETE('/api/console/negative-bank/{id}', { params: { path: { id: entry.id } } }));
        setStatus(t('negative.deleted', { label: entry.label ?? entry.value.slice(0, 16) }));
        entries.reload();
      },
    });
  };

  const counts = results ? countOutcomes(results.lines) : null;

  return (
    <>
      <PageTitle title={t('negative.title')}>{t('negative.title')}</PageTitle>
      <p>{t('negative.intro')}</p>
      <ShortcutHint keys={[{ key: 'a', label: t('negative.shortcutAdd') }]} />
      <LiveStatus message={status} />

      {results && counts && (
        <ResultPanel
          title={t('negative.resultTitle', { added: counts.added, present: counts.present, refused: counts.refused })}
          dismissLabel={t('common:actions.close')}
          tone="plain"
          onDismiss={() => {
            setResults(null);
            textArea.current?.focus();
          }}
        >
          {results.quarantined > 0 && <p className="notice">{t('negative.quarantined', { n: results.quarantined })}</p>}
          <ul className="line-results">
            {results.lines.map((line) => (
              <li key={line.line}>
                {t('negative.line', { line: line.line })} <span className="hash">{line.pdq.length > 20 ? `${line.pdq.slice(0, 16)}…` : line.pdq}</span> —{' '}
                <span className={line.outcome === 'added' ? 'outcome-ok' : line.outcome === 'present' ? 'outcome-same' : 'outcome-bad'}>{t(`negative.outcome.${line.outcome}`)}</span>
              </li>
            ))}
          </ul>
        </ResultPanel>
      )}

      <section className="admin-section" aria-labelledby="negative-add-title">
        <h2 id="negative-add-title">{t('negative.addTitle')}</h2>
        <form className="form wide" onSubmit={(event) => void submit(event)}>
          <label>
            {t('negative.linesLabel')}
            <textarea
              ref={textArea}
              rows={6}
              spellCheck={false}
              autoComplete="off"
              value={text}
              aria-describedby="negative-lines-hint"
              onChange={(event) => {
                setText(event.target.value);
              }}
            />
          </label>
          <p id="negative-lines-hint" className="hint">
            {t('negative.linesHint')}
          </p>
          {error !== null && <ErrorText error={error} />}
          <button type="submit" className="primary" disabled={busy || text.trim() === ''}>
            {t('negative.add')}
          </button>
        </form>
      </section>

      <section className="admin-section">
        <LoadedView loaded={entries}>
          {(data) => (
            <>
              <table>
                <caption>{t('negative.caption', { n: data.entries.length })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('negative.hash')}</th>
                    <th scope="col">{t('negative.label')}</th>
                    <th scope="col">{t('negative.added')}</th>
                    <th scope="col">{t('negative.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.entries.length === 0 && (
                    <tr>
                      <td colSpan={4} className="empty">
                        {t('negative.empty')}
                      </td>
                    </tr>
                  )}
                  {data.entries.map((entry) => (
                    <tr key={entry.id}>
                      <td className="hash">{entry.value}</td>
                      <td>{entry.label ?? '—'}</td>
                      <td>{formatDateTime(entry.createdAt, i18n.language)}</td>
                      <td className="actions">
                        <button
                          type="button"
                          className="small danger"
                          aria-label={t('negative.deleteOf', { label: entry.label ?? entry.value.slice(0, 16) })}
                          onClick={() => {
                            remove(entry);
                          }}
                        >
                          {t('negative.delete')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </LoadedView>
      </section>
      <ConfirmDialog
        request={confirm}
        onClose={() => {
          setConfirm(null);
        }}
      />
    </>
  );
}

function countOutcomes(lines: readonly LineResult[]): { added: number; present: number; refused: number } {
  let added = 0;
  let present = 0;
  for (const line of lines) {
    if (line.outcome === 'added') added++;
    else if (line.outcome === 'present') present++;
  }
  return { added, present, refused: lines.length - added - present };
}
