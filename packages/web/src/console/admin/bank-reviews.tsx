// Bank entries held for review (analysts and supervisors, as the route
// admits): a hash near a known benign image (held at entry, never sent to
// partners), or one several partners dispute (partners see it quarantined).
// Restoring puts it back in the active bank and every feed; deleting makes it
// a tombstone. Both ask first: partners act on what the bank says.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Answer, call, client } from '../api.ts';
import { formatDateTime } from '../i18n.ts';
import { PageTitle, useLoad, LoadedView } from '../ui.tsx';
import { type ConfirmRequest, ConfirmDialog, LiveStatus } from './widgets.tsx';

type Review = Answer<'/api/console/bank-reviews', 'get'>['reviews'][number];

export function BankReviewsPage() {
  const { t, i18n } = useTranslation('admin');
  const reviews = useLoad(() => call(client.GET('/api/console/bank-reviews')), []);
  const [status, setStatus] = useState('');
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);

  const decide = (review: Review, outcome: 'restored' | 'deleted') => {
    setConfirm({
      title: t(outcome === 'restored' ? 'reviews.restoreTitle' : 'reviews.deleteTitle'),
      body: (
        <>
          <p className="hash">
            {review.signalType.toUpperCase()} {review.value}
          </p>
          <p>{t(outcome === 'restored' ? 'reviews.restoreBody' : 'reviews.deleteBody')}</p>
        </>
      ),
      confirmLabel: t(outcome === 'restored' ? 'reviews.restore' : 'reviews.delete'),
      onConfirm: async () => {
        await call(client.POST('/api/console/bank-reviews/{entryId}', { params: { path: { entryId: review.entryId } }, body: { outcome } }));
        setStatus(t(outcome === 'restored' ? 'reviews.restored' : 'reviews.deleted', { hash: `${review.value.slice(0, 16)}…` }));
        reviews.reload();
      },
    });
  };

  return (
    <>
      <PageTitle title={t('reviews.title')}>{t('reviews.title')}</PageTitle>
      <p>{t('reviews.intro')}</p>
      <LiveStatus message={status} />
      <LoadedView loaded={reviews}>
        {(data) => (
          <>
            {data.reviews.length === 0 ? (
              <p className="card">{t('reviews.none')}</p>
            ) : (
              <table>
                <caption>{t('reviews.caption', { n: data.reviews.length })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('reviews.hash')}</th>
                    <th scope="col">{t('reviews.reason')}</th>
                    <th scope="col">{t('reviews.partnersSee')}</th>
                    <th scope="col">{t('reviews.since')}</th>
                    <th scope="col">{t('reviews.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.reviews.map((review) => (
                    <tr key={review.entryId}>
                      <td>
                        <span className="badge">{review.signalType.toUpperCase()}</span> <span className="hash">{review.value}</span>
                        <br />
                        <span className="hint">{review.verified ? t('reviews.verified') : t('reviews.unverified')}</span>
                      </td>
                      <td>{review.reason === 'negative_bank' ? t('reviews.reasons.negative_bank') : review.reason === 'disputed' ? t('reviews.reasons.disputed') : review.reason}</td>
                      <td>{review.hidden ? t('reviews.hidden') : t('reviews.quarantined')}</td>
                      <td>{formatDateTime(review.openedAt, i18n.language)}</td>
                      <td className="actions">
                        <button
                          type="button"
                          className="small"
                          aria-label={t('reviews.restoreOf', { hash: review.value.slice(0, 16) })}
                          onClick={() => {
                            decide(review, 'restored');
                          }}
                        >
                          {t('reviews.restore')}
                        </button>
                        <button
                          type="button"
                          className="small danger"
                          aria-label={t('reviews.deleteOf', { hash: review.value.slice(0, 16) })}
                          onClick={() => {
                            decide(review, 'deleted');
                          }}
                        >
                          {t('reviews.delete')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </LoadedView>
      <ConfirmDialog
        request={confirm}
        onClose={() => {
          setConfirm(null);
        }}
      />
    </>
  );
}
