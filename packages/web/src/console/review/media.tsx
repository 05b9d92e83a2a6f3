// An item's media: the server's safe preview (small, grayscale, blurred) by
// default, and the original only on an explicit click or key — never on
// hover. The original comes by POST (audited, counted), becomes a Blob of an
// allowed image or video type, and is shown from a blob: URL that "hide
// again" (or leaving the item) revokes. A video is muted and paused, with no
// autoplay: the analyst starts it.

import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { download } from '../api.ts';
import { ErrorText } from '../ui.tsx';
import { type SafeMediaType, isVideo, mediaTypeOf } from './media-type.ts';
import { setRevealsToday } from './reveals.tsx';

export type RevealState =
  | { readonly kind: 'hidden' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'shown'; readonly url: string; readonly type: SafeMediaType }
  | { readonly kind: 'unsupported' }
  | { readonly kind: 'failed'; readonly error: unknown };

export interface Reveal {
  readonly state: RevealState;
  readonly reveal: () => Promise<void>;
  readonly hide: () => void;
  readonly toggle: () => void;
}

export function useReveal(itemId: string, onRevealed: (revealsToday: number | null) => void): Reveal {
  const [state, setState] = useState<RevealState>({ kind: 'hidden' });
  const url = useRef<string | null>(null);
  const busy = useRef(false);
  const revealed = useRef(onRevealed);
  revealed.current = onRevealed;

  const hide = useCallback(() => {
    if (url.current !== null) URL.revokeObjectURL(url.current);
    url.current = null;
    setState({ kind: 'hidden' });
  }, []);

  const reveal = useCallback(async () => {
    if (busy.current || url.current !== null) return;
    busy.current = true;
    setState({ kind: 'loading' });
    try {
      const { blob, headers } = await download('POST', `/api/console/items/${encodeURIComponent(itemId)}/reveal`);
      const count = Number(headers.get('x-reveals-today'));
      const today = headers.has('x-reveals-today') && Number.isInteger(count) ? count : null;
      if (today !== null) setRevealsToday(today);
      const type = mediaTypeOf(headers.get('x-media-type'), new Uint8Array(await blob.slice(0, 16).arrayBuffer()));
      if (type === null) setState({ kind: 'unsupported' });
      else {
        url.current = URL.createObjectURL(blob.slice(0, blob.size, type));
        setState({ kind: 'shown', url: url.current, type });
      }
      revealed.current(today);
    } catch (error) {
      setState({ kind: 'failed', error });
    } finally {
      busy.current = false;
    }
  }, [itemId]);

  const toggle = useCallback(() => {
    if (url.current !== null) hide();
    else void reveal();
  }, [hide, reveal]);

  // Leaving the item (next item, queue, sign-out) drops the original.
  useEffect(
    () => () => {
      if (url.current !== null) URL.revokeObjectURL(url.current);
      url.current = null;
    },
    [],
  );

  return { state, reveal, hide, toggle };
}

/** A revealed video: muted and paused whatever the browser's defaults. */
function RevealedVideo({ url, type, label }: { url: string; type: SafeMediaType; label: string }) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = video.current;
    if (element === null) return;
    element.defaultMuted = true;
    element.muted = true;
    element.pause();
  }, [url]);
  return <video ref={video} className="revealed" src={url} data-media-type={type} muted controls preload="metadata" playsInline disablePictureInPicture aria-label={label} />;
}

/** Where an item's file stands, as the server says. */
export type MediaState = 'available' | 'never_sent' | 'erased_decided' | 'erased_withdrawn' | 'erased_expired';

const WHY_NO_MEDIA = { never_sent: 'media.fingerprintsOnly', erased_decided: 'media.erased', erased_withdrawn: 'media.withdrawn', erased_expired: 'media.expired' } as const;

export function MediaPanel({ itemId, kind, media, canReveal, reveal }: { itemId: string; kind: 'photo' | 'video'; media: MediaState; canReveal: boolean; reveal: Reveal }) {
  const { t } = useTranslation('review');
  const { state } = reveal;
  if (media !== 'available') return <p className="hint">{t(WHY_NO_MEDIA[media])}</p>;
  const shown = state.kind === 'shown';
  return (
    <div className="media">
      <div className="media-frame">
        {state.kind === 'shown' ? (
          isVideo(state.type) ? (
            <RevealedVideo url={state.url} type={state.type} label={t('media.revealedVideo')} />
          ) : (
            <img className="revealed" src={state.url} data-media-type={state.type} alt={t('media.revealedAlt')} />
          )
        ) : (
          <img className="preview" src={`/api/console/items/${encodeURIComponent(itemId)}/preview`} alt={t(`media.previewAlt.${kind}`)} />
        )}
      </div>
      <p className="hint" role="status" aria-live="polite">
        {shown ? t('media.revealedStatus') : t('media.previewHint')}
      </p>
      {canReveal ? (
        <div className="toolbar">
          <button type="button" onClick={reveal.toggle} disabled={state.kind === 'loading'} aria-keyshortcuts="v">
            {state.kind === 'loading' ? t('media.revealing') : shown ? t('media.hide') : t('media.reveal')} <kbd>v</kbd>
          </button>
        </div>
      ) : (
        <p className="hint">{t('media.notHeld')}</p>
      )}
      {state.kind === 'unsupported' && (
        <p role="alert" className="error">
          {t('media.unsupported')}
        </p>
      )}
      {state.kind === 'failed' && <ErrorText error={state.error} />}
    </div>
  );
}
