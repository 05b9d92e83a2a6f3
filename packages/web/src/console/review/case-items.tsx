// The items of the item's case: a case can hold hundreds (a victim may report
// every copy she found), so they come a page at a time, by position, with
// "show more". Focus moves to the first new row so keyboard users carry on
// where the list grew.

import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Answer, call, client } from '../api.ts';
import { itemPath } from '../queue/claim.ts';
import { navigate } from '../router.ts';
import { ErrorText, Loading } from '../ui.tsx';

type CaseItem = Answer<'/api/console/cases/{caseId}/items', 'get'>['items'][number];

export const CASE_ITEMS_PAGE = 100;

export function CaseItems({ caseId, currentId, count }: { caseId: string; currentId: string; count: number }) {
  const { t } = useTranslation('review');
  const [items, setItems] = useState<CaseItem[]>([]);
  const [nextAfter, setNextAfter] = useState<number | null>(0);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const focusRow = useRef<string | null>(null);
  const table = useRef<HTMLTableElement>(null);

  const load = async (after: number, focusNew: boolean) => {
    setLoading(true);
    setError(null);
    try {
      const page = await call(client.GET('/api/console/cases/{caseId}/items', { params: { path: { caseId }, query: { after, limit: CASE_ITEMS_PAGE } } }));
      if (focusNew && page.items[0]) focusRow.current = page.items[0].id;
      setItems((previous) => [...previous, ...page.items]);
      setNextAfter(page.nextAfter);
    } catch (caught) {
      setError(caught);
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load(0, false);
    // One case per page: the page is remounted for another item.
  }, []);

  useEffect(() => {
    if (focusRow.current === null) return;
    table.current?.querySelector<HTMLElement>(`[data-item="${focusRow.current}"] a`)?.focus();
    focusRow.current = null;
  }, [items]);

  return (
    <section aria-labelledby="case-items-title" className="case-items">
      <h2 id="case-items-title">{t('items.title', { count })}</h2>
      {items.length > 0 && (
        <table ref={table}>
          <caption>{t('items.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('items.position')}</th>
              <th scope="col">{t('items.kind')}</th>
              <th scope="col">{t('items.host')}</th>
              <th scope="col">{t('items.status')}</th>
              <th scope="col">{t('items.decision')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} data-item={item.id} aria-current={item.id === currentId ? 'true' : undefined} className={item.id === currentId ? 'current' : undefined}>
                <td>
                  {item.id === currentId ? (
                    <>
                      {item.position} <span className="hint">({t('items.current')})</span>
                    </>
                  ) : (
                    <a
                      href={itemPath(item.id)}
                      aria-label={t('items.open', { position: item.position })}
                      onClick={(event) => {
                        event.preventDefault();
                        navigate(itemPath(item.id));
                      }}
                    >
                      {item.position}
                    </a>
                  )}
                </td>
                <td>{t(`kind.${item.kind}`)}</td>
                <td className="host">{item.host ?? t('items.none')}</td>
                <td>{t(`statuses.${item.status}`)}</td>
                <td>{item.decision === null ? t('items.none') : t(`decisions.${item.decision}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p role="status" aria-live="polite" className="hint">
        {items.length > 0 ? t('items.shown', { shown: items.length, count }) : ''}
      </p>
      {loading && <Loading />}
      <ErrorText error={error} onRetry={() => void load(nextAfter ?? 0, items.length > 0)} />
      {nextAfter !== null && items.length > 0 && !loading && (
        <button type="button" onClick={() => void load(nextAfter, true)}>
          {t('items.more')}
        </button>
      )}
    </section>
  );
}
