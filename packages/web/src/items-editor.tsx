// Step 4 (and "add more items" in the follow-up): URLs, and files chosen,
// dropped or picked as a folder, fingerprinted in the worker pool as soon as
// they arrive, with a progress bar for the batch and for each file.

import { type Dispatch, type SetStateAction, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type SelectedFile, filesFromDrop, isSettled } from './files.ts';
import { type FileProgress, hashFiles, hashPool } from './hashing/batch.ts';
import { onQuickExit } from './quick-exit.ts';

let nextFileId = 1;

/** Files state plus the function that adds files and starts fingerprinting them. */
export function useSelectedFiles(): [SelectedFile[], Dispatch<SetStateAction<SelectedFile[]>>, (list: readonly File[]) => void] {
  const [files, setFiles] = useState<SelectedFile[]>([]);
  const urls = useRef(new Set<string>());
  useEffect(() => {
    const revokeAll = () => {
      for (const url of urls.current) URL.revokeObjectURL(url);
      urls.current.clear();
    };
    const off = onQuickExit(() => {
      revokeAll();
      hashPool().terminate();
    });
    return () => {
      off();
      revokeAll();
    };
  }, []);
  const add = (list: readonly File[]) => {
    if (list.length === 0) return;
    const added: SelectedFile[] = list.map((file) => ({ id: nextFileId++, file, progress: { state: 'waiting' }, thumbUrl: null, verify: false }));
    setFiles((current) => [...current, ...added]);
    const update = (index: number, progress: FileProgress) => {
      const id = added[index]!.id;
      let thumbUrl: string | null = null;
      const fingerprint = progress.state === 'done' || progress.state === 'failed' ? progress.fingerprint : undefined;
      if (fingerprint?.thumbnail) {
        thumbUrl = URL.createObjectURL(fingerprint.thumbnail);
        urls.current.add(thumbUrl);
      }
      setFiles((current) => current.map((f) => (f.id === id ? { ...f, progress, thumbUrl: thumbUrl ?? f.thumbUrl } : f)));
    };
    void hashFiles(
      added.map((f) => f.file),
      update,
    );
  };
  return [files, setFiles, add];
}

function fraction(progress: FileProgress): number {
  switch (progress.state) {
    case 'waiting':
      return 0;
    case 'hashing':
      return progress.fraction;
    case 'done':
    case 'failed':
      return 1;
  }
}

interface ItemsEditorProps {
  readonly urls: string;
  readonly setUrls: (text: string) => void;
  readonly urlError: string | null;
  readonly files: readonly SelectedFile[];
  readonly setFiles: Dispatch<SetStateAction<SelectedFile[]>>;
  readonly addFiles: (list: readonly File[]) => void;
}

export function ItemsEditor({ urls, setUrls, urlError, files, setFiles, addFiles }: ItemsEditorProps) {
  const { t } = useTranslation();
  const id = useId();
  const [dragging, setDragging] = useState(false);
  const [previews, setPreviews] = useState(false);
  const folderInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // React has no prop for it; the attribute lets the victim pick a whole folder.
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);
  const settled = files.filter(isSettled).length;
  const total = files.length;
  const batch = total === 0 ? 0 : files.reduce((sum, f) => sum + fraction(f.progress), 0) / total;

  return (
    <div className="items-editor">
      <label htmlFor={`${id}-urls`}>{t('steps.items.urls')}</label>
      <p className="hint" id={`${id}-urls-hint`}>
        {t('steps.items.urlsHint')}
      </p>
      <textarea
        id={`${id}-urls`}
        rows={4}
        value={urls}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        inputMode="url"
        aria-describedby={`${id}-urls-hint${urlError === null ? '' : ` ${id}-urls-error`}`}
        aria-invalid={urlError !== null}
        onChange={(e) => {
          setUrls(e.target.value);
        }}
      />
      {urlError !== null && (
        <p className="error" id={`${id}-urls-error`}>
          {urlError}
        </p>
      )}

      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => {
          setDragging(false);
        }}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void filesFromDrop(e.dataTransfer.items).then(addFiles);
        }}
      >
        <label className="file-button" htmlFor={`${id}-files`}>
          {t('steps.items.files')}
        </label>
        <input
          id={`${id}-files`}
          className="file-input"
          type="file"
          multiple
          accept="image/*,video/*,.heic,.heif"
          onChange={(e) => {
            addFiles(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
        <label className="file-button" htmlFor={`${id}-folder`}>
          {t('steps.items.folder')}
        </label>
        <input
          id={`${id}-folder`}
          ref={folderInput}
          className="file-input"
          type="file"
          multiple
          onChange={(e) => {
            addFiles(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
        <p className="hint">{t('steps.items.drop')}</p>
      </div>

      {total > 0 && (
        <div className="batch">
          <label htmlFor={`${id}-batch`}>{settled === total ? t('steps.items.batchDone', { count: total }) : t('steps.items.batch', { done: settled, total })}</label>
          <progress id={`${id}-batch`} max={1} value={batch} />
          <p role="status" className="visually-hidden">
            {settled === total ? t('steps.items.batchDone', { count: total }) : ''}
          </p>
          <div className="check">
            <input
              id={`${id}-previews`}
              type="checkbox"
              checked={previews}
              onChange={(e) => {
                setPreviews(e.target.checked);
              }}
            />
            <label htmlFor={`${id}-previews`}>{t('steps.items.showPreviews')}</label>
          </div>
          <ol className="file-list">
            {files.map((f, index) => (
              <FileRow
                key={f.id}
                n={index + 1}
                file={f}
                previews={previews}
                onRemove={() => {
                  if (f.thumbUrl !== null) URL.revokeObjectURL(f.thumbUrl);
                  setFiles((current) => current.filter((x) => x.id !== f.id));
                }}
              />
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}

function FileRow({ n, file, previews, onRemove }: { n: number; file: SelectedFile; previews: boolean; onRemove: () => void }) {
  const { t } = useTranslation();
  const p = file.progress;
  const fingerprint = p.state === 'done' || p.state === 'failed' ? p.fingerprint : undefined;
  const kind = fingerprint === undefined ? null : fingerprint.kind === 'photo' ? t('steps.items.photo') : t('steps.items.video', { seconds: Math.round(fingerprint.duration) });
  const label = t('steps.items.file', { n });
  return (
    <li className={`file-row state-${p.state}`} data-state={p.state}>
      <div className="thumb" aria-hidden="true">
        {previews && file.thumbUrl !== null ? <img src={file.thumbUrl} alt="" /> : <span className="thumb-placeholder" />}
      </div>
      <div className="file-info">
        <span className="file-name">{file.file.name || label}</span>
        <span className="file-state">
          {kind !== null && `${kind} — `}
          {t(`steps.items.state.${p.state}`)}
        </span>
        <progress max={1} value={fraction(p)} aria-label={`${label}: ${t(`steps.items.state.${p.state}`)}`} />
        {p.state === 'failed' && <span className="file-failure">{t(`steps.items.failure.${p.reason}`)}</span>}
      </div>
      <button type="button" className="link" onClick={onRemove} aria-label={t('steps.items.remove', { n })}>
        ×
      </button>
    </li>
  );
}
