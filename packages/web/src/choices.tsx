// Radio groups and the per-file "send for verification" choice.

import { type Dispatch, type SetStateAction, useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { PortalPublicConfig } from './api.ts';
import type { SelectedFile } from './files.ts';

/**
 * Whether files may be sent for verification: for an adult, or where the
 * deployment allows media of minors. "Not sure" may be a minor, so no (the
 * server refuses them as well).
 */
export function filesAllowed(age: 'minor' | 'adult' | 'unsure' | null, config: PortalPublicConfig | null): boolean {
  return age === 'adult' || config?.allowMinorMedia === true;
}

export function RadioGroup<T extends string>({
  legend,
  name,
  options,
  value,
  onChange,
  error,
}: {
  legend: string;
  name: string;
  options: readonly { value: T; label: string }[];
  value: T | null;
  onChange: (value: T) => void;
  error: string | null;
}) {
  const id = useId();
  return (
    <fieldset aria-describedby={error === null ? undefined : `${id}-error`}>
      <legend>{legend}</legend>
      {options.map((option) => (
        <div className="radio" key={option.value}>
          <input
            type="radio"
            id={`${id}-${option.value}`}
            name={name}
            value={option.value}
            checked={value === option.value}
            onChange={() => {
              onChange(option.value);
            }}
          />
          <label htmlFor={`${id}-${option.value}`}>{option.label}</label>
        </div>
      ))}
      {error !== null && (
        <p className="error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

export function VerifyChoices({ files, setFiles, allowed }: { files: readonly SelectedFile[]; setFiles: Dispatch<SetStateAction<SelectedFile[]>>; allowed: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  if (files.length === 0) return <p>{t('steps.privacy.noFiles')}</p>;
  if (!allowed) return <p className="notice">{t('steps.privacy.verifyNotForMinors')}</p>;
  return (
    <>
      <p>{t('steps.privacy.verifyIntro')}</p>
      <ul className="verify-list">
        {files.map((f, index) => (
          <li key={f.id} className="check">
            <input
              type="checkbox"
              id={`${id}-${f.id}`}
              checked={f.verify}
              onChange={(e) => {
                const verify = e.target.checked;
                setFiles((current) => current.map((x) => (x.id === f.id ? { ...x, verify } : x)));
              }}
            />
            <label htmlFor={`${id}-${f.id}`}>
              {t('steps.privacy.verify')} — {f.file.name || t('steps.items.file', { n: index + 1 })}
            </label>
          </li>
        ))}
      </ul>
    </>
  );
}
