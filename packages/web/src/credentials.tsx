// The case number and secret, shown once: copy, download as a file, print.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export function Credentials({ caseNumber, secret }: { caseNumber: string; secret: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<string | null>(null);
  const copy = (what: string, text: string) => {
    void navigator.clipboard.writeText(text).then(
      () => {
        setCopied(what);
      },
      () => {
        setCopied(null);
      },
    );
  };
  const download = () => {
    const blob = new Blob([t('steps.done.fileText', { caseNumber, secret })], { type: 'text/plain;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = 'disrupt.txt';
    a.click();
    setTimeout(() => {
      URL.revokeObjectURL(url);
    }, 10_000);
  };
  return (
    <section className="credentials" aria-labelledby="credentials-title">
      <h2 id="credentials-title">{t('steps.done.keep')}</h2>
      <dl>
        <div>
          <dt>{t('steps.done.caseNumber')}</dt>
          <dd>
            <code data-testid="case-number">{caseNumber}</code>
            <button type="button" className="small no-print" onClick={() => {
              copy('case', caseNumber);
            }}>
              {copied === 'case' ? t('steps.done.copied') : t('steps.done.copy')}
              <span className="visually-hidden"> {t('steps.done.caseNumber')}</span>
            </button>
          </dd>
        </div>
        <div>
          <dt>{t('steps.done.secret')}</dt>
          <dd>
            <code data-testid="secret">{secret}</code>
            <button type="button" className="small no-print" onClick={() => {
              copy('secret', secret);
            }}>
              {copied === 'secret' ? t('steps.done.copied') : t('steps.done.copy')}
              <span className="visually-hidden"> {t('steps.done.secret')}</span>
            </button>
          </dd>
        </div>
      </dl>
      <p className="warning" role="note">
        <strong>{t('steps.done.warning')}</strong>
      </p>
      <div className="actions no-print">
        <button type="button" onClick={download}>
          {t('steps.done.download')}
        </button>
        <button type="button" onClick={() => {
          window.print();
        }}>
          {t('steps.done.print')}
        </button>
      </div>
    </section>
  );
}
