// A partner's webhooks (admins): where new, changed and withdrawn bank
// records are pushed, signed with HMAC-SHA256. The signing secret is shown
// once, when the webhook is added; the delivery log shows each attempt.

import { type SyntheticEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Answer, call, client } from '../api.ts';
import { formatDateTime } from '../i18n.ts';
import { navigate } from '../router.ts';
import { ErrorText, Loading, PageTitle, errorMessage, useLoad } from '../ui.tsx';

type Delivery = Answer<'/api/console/partners/{id}/webhooks/{webhookId}/deliveries', 'get'>['deliveries'][number];

function Deliveries({ partnerId, webhookId }: { partnerId: string; webhookId: string }) {
  const { t, i18n } = useTranslation('oversight');
  const log = useLoad(() => call(client.GET('/api/console/partners/{id}/webhooks/{webhookId}/deliveries', { params: { path: { id: partnerId, webhookId } } })), [partnerId, webhookId]);
  if (log.error) return <ErrorText error={log.error} onRetry={log.reload} />;
  if (log.data === null) return <Loading />;
  const rows: Delivery[] = log.data.deliveries;
  if (rows.length === 0) return <p className="hint">{t('webhooks.noDeliveries')}</p>;
  return (
    <table>
      <caption>{t('webhooks.deliveries')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('webhooks.when')}</th>
          <th scope="col">{t('webhooks.records')}</th>
          <th scope="col">{t('webhooks.result')}</th>
          <th scope="col">{t('webhooks.duration')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => (
          <tr key={d.id}>
            <td>{formatDateTime(d.at, i18n.language)}</td>
            <td>{d.count}</td>
            <td className={d.ok ? 'success' : 'error'}>{d.ok ? `✓ ${String(d.statusCode ?? '')}` : `✗ ${d.statusCode === null ? (d.error ?? '') : String(d.statusCode)}`}</td>
            <td>{d.ms} ms</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function WebhooksPage({ partnerId }: { partnerId: string }) {
  const { t, i18n } = useTranslation('oversight');
  const partners = useLoad(() => call(client.GET('/api/console/partners')), []);
  const hooks = useLoad(() => call(client.GET('/api/console/partners/{id}/webhooks', { params: { path: { id: partnerId } } })), [partnerId]);
  const [url, setUrl] = useState('');
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const partner = partners.data?.partners.find((p) => p.id === partnerId);

  const add = async (event: SyntheticEvent) => {
    event.preventDefault();
    setStatus(null);
    try {
      const answer = await call(client.POST('/api/console/partners/{id}/webhooks', { params: { path: { id: partnerId } }, body: { url: url.trim() } }));
      setCreated({ url: answer.url, secret: answer.secret });
      setUrl('');
      hooks.reload();
    } catch (error) {
      setStatus(errorMessage(error, t));
    }
  };

  const remove = async (webhookId: string) => {
    if (!window.confirm(t('webhooks.confirmRemove'))) return;
    try {
      await call(client.DELETE('/api/console/partners/{id}/webhooks/{webhookId}', { params: { path: { id: partnerId, webhookId } } }));
      hooks.reload();
    } catch (error) {
      setStatus(errorMessage(error, t));
    }
  };

  const name = partner?.name ?? '…';
  return (
    <>
      <PageTitle title={t('webhooks.title', { name })}>{t('webhooks.title', { name })}</PageTitle>
      <p>
        <a
          href="/console/admin/partners"
          onClick={(event) => {
            event.preventDefault();
            navigate('/console/admin/partners');
          }}
        >
          {t('webhooks.back')}
        </a>
      </p>
      <p>{t('webhooks.intro')}</p>
      {created && (
        <div className="card once" role="status">
          <h2>{t('webhooks.secretTitle')}</h2>
          <p>{t('webhooks.secretOnce', { url: created.url })}</p>
          <code className="secret" data-testid="webhook-secret">
            {created.secret}
          </code>
          <div className="toolbar">
            <button type="button" className="small" onClick={() => void navigator.clipboard.writeText(created.secret)}>
              {t('common:actions.copy')}
            </button>
            <button type="button" className="small" onClick={() => {
              setCreated(null);
            }}>
              {t('webhooks.secretStored')}
            </button>
          </div>
        </div>
      )}
      <form className="toolbar" onSubmit={(event) => void add(event)}>
        <label className="inline">
          {t('webhooks.url')}
          <input type="url" required placeholder="https://" value={url} maxLength={2000} onChange={(e) => {
            setUrl(e.target.value);
          }} />
        </label>
        <button type="submit" className="primary">
          {t('webhooks.add')}
        </button>
      </form>
      <div aria-live="polite">{status && <p className="error">{status}</p>}</div>
      <ErrorText error={hooks.error} onRetry={hooks.reload} />
      {hooks.data === null ? (
        <Loading />
      ) : hooks.data.webhooks.length === 0 ? (
        <p>{t('webhooks.none')}</p>
      ) : (
        <ul className="plain">
          {hooks.data.webhooks.map((hook) => (
            <li key={hook.id} className="card">
              <p>
                <strong>{hook.url}</strong> — {t('webhooks.since', { when: formatDateTime(hook.createdAt, i18n.language), cursor: hook.cursor })}
              </p>
              <div className="toolbar">
                <button type="button" className="small" aria-expanded={open === hook.id} onClick={() => {
                  setOpen(open === hook.id ? null : hook.id);
                }}>
                  {t('webhooks.showDeliveries')}
                </button>
                <button type="button" className="small danger" onClick={() => void remove(hook.id)}>
                  {t('webhooks.remove')}
                </button>
              </div>
              {open === hook.id && <Deliveries partnerId={partnerId} webhookId={hook.id} />}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
