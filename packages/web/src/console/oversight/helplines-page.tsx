// The helplines the victim portal shows (admins): name, phone, site, whether
// the line is for minors, and a line of text in each language. Until an
// admin saves a list here, the portal shows the one from the server's
// configuration (DISRUPT_HELPLINES or the French defaults).

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Answer, call, client } from '../api.ts';
import { ErrorText, Loading, PageTitle, errorMessage, useLoad } from '../ui.tsx';

type Helpline = Answer<'/api/console/helplines', 'get'>['helplines'][number];

interface Row {
  readonly key: number;
  name: string;
  phone: string;
  url: string;
  minors: boolean;
  fr: string;
  en: string;
}

let nextKey = 1;
const toRow = (h: Helpline): Row => ({ key: nextKey++, name: h.name, phone: h.phone ?? '', url: h.url ?? '', minors: h.minors ?? false, fr: h.text?.fr ?? '', en: h.text?.en ?? '' });

function toHelpline(row: Row): Helpline {
  const text = { ...(row.fr.trim() ? { fr: row.fr.trim() } : {}), ...(row.en.trim() ? { en: row.en.trim() } : {}) };
  return {
    name: row.name.trim(),
    ...(row.phone.trim() ? { phone: row.phone.trim() } : {}),
    ...(row.url.trim() ? { url: row.url.trim() } : {}),
    ...(row.minors ? { minors: true } : {}),
    ...(Object.keys(text).length > 0 ? { text } : {}),
  };
}

export function HelplinesPage() {
  const { t } = useTranslation('oversight');
  const loaded = useLoad(() => call(client.GET('/api/console/helplines')), []);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (loaded.data) setRows(loaded.data.helplines.map(toRow));
  }, [loaded.data]);

  const change = (key: number, patch: Partial<Row>) => {
    setRows((current) => (current ?? []).map((row) => (row.key === key ? { ...row, ...patch } : row)));
  };
  const move = (index: number, by: -1 | 1) => {
    setRows((current) => {
      const list = [...(current ?? [])];
      const [row] = list.splice(index, 1);
      if (row) list.splice(index + by, 0, row);
      return list;
    });
  };

  const save = async () => {
    if (!rows) return;
    const invalid = rows.find((row) => row.name.trim() === '' || (row.url.trim() !== '' && !/^https:\/\/[^\s]+$/.test(row.url.trim())));
    if (invalid) {
      setStatus({ ok: false, text: t('helplines.invalid') });
      return;
    }
    setSaving(true);
    setStatus(null);
    try {
      await call(client.PUT('/api/console/helplines', { body: { helplines: rows.map(toHelpline) } }));
      setStatus({ ok: true, text: t('helplines.saved') });
      loaded.reload();
    } catch (error) {
      setStatus({ ok: false, text: errorMessage(error, t) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <PageTitle title={t('helplines.title')}>{t('helplines.title')}</PageTitle>
      <p>{t('helplines.intro')}</p>
      <ErrorText error={loaded.error} onRetry={loaded.reload} />
      {rows === null ? (
        <Loading />
      ) : (
        <>
          <p className="hint">{loaded.data?.source === 'console' ? t('helplines.fromConsole') : t('helplines.fromConfig')}</p>
          <ol className="helplines">
            {rows.map((row, index) => (
              <li key={row.key} className="card">
                <fieldset>
                  <legend>{row.name.trim() === '' ? t('helplines.newLine') : row.name}</legend>
                  <div className="grid-2">
                    <label className="field">
                      {t('helplines.name')}
                      <input value={row.name} required maxLength={200} onChange={(e) => {
                        change(row.key, { name: e.target.value });
                      }} />
                    </label>
                    <label className="field">
                      {t('helplines.phone')}
                      <input value={row.phone} inputMode="tel" maxLength={40} onChange={(e) => {
                        change(row.key, { phone: e.target.value });
                      }} />
                    </label>
                    <label className="field">
                      {t('helplines.url')}
                      <input value={row.url} type="url" placeholder="https://" maxLength={500} onChange={(e) => {
                        change(row.key, { url: e.target.value });
                      }} />
                    </label>
                    <label className="inline">
                      <input type="checkbox" checked={row.minors} onChange={(e) => {
                        change(row.key, { minors: e.target.checked });
                      }} />
                      {t('helplines.minors')}
                    </label>
                    <label className="field">
                      {t('helplines.textFr')}
                      <input lang="fr" value={row.fr} maxLength={300} onChange={(e) => {
                        change(row.key, { fr: e.target.value });
                      }} />
                    </label>
                    <label className="field">
                      {t('helplines.textEn')}
                      <input lang="en" value={row.en} maxLength={300} onChange={(e) => {
                        change(row.key, { en: e.target.value });
                      }} />
                    </label>
                  </div>
                  <div className="toolbar">
                    <button type="button" className="small" disabled={index === 0} onClick={() => {
                      move(index, -1);
                    }}>
                      {t('helplines.up')}
                    </button>
                    <button type="button" className="small" disabled={index === rows.length - 1} onClick={() => {
                      move(index, 1);
                    }}>
                      {t('helplines.down')}
                    </button>
                    <button type="button" className="small danger" onClick={() => {
                      setRows(rows.filter((r) => r.key !== row.key));
                    }}>
                      {t('helplines.remove')}
                    </button>
                  </div>
                </fieldset>
              </li>
            ))}
          </ol>
          <div className="toolbar">
            <button
              type="button"
              disabled={rows.length >= 20}
              onClick={() => {
                setRows([...rows, toRow({ name: '' })]);
              }}
            >
              {t('helplines.add')}
            </button>
            <button type="button" className="primary" disabled={saving} onClick={() => void save()}>
              {t('helplines.save')}
            </button>
          </div>
          <div aria-live="polite">{status && <p className={status.ok ? 'success' : 'error'}>{status.text}</p>}</div>
        </>
      )}
    </>
  );
}
