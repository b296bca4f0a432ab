// Attachments: files picked (button) or dropped on the composer are uploaded at once
// (POST /api/v2/uploads); their tokens go with the comment (comment.uploads). Comments
// list their attachments, with a preview for images.
import { useRef, useState } from 'react';
import { ApiError, api, uploadFile, type Attachment } from '../../api';
import { useI18n } from '../../i18n';

export interface Pending {
  key: number;
  name: string;
  previewUrl: string | null;
  token?: string;
  attachment?: Attachment;
}

let nextKey = 1;

export function useUploads() {
  const { t } = useI18n();
  const [pending, setPending] = useState<Pending[]>([]);
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(0);

  const add = async (files: FileList | File[]) => {
    setErrors([]);
    for (const file of Array.from(files)) {
      const key = nextKey++;
      const previewUrl = file.type.startsWith('image/') && file.type !== 'image/svg+xml' ? URL.createObjectURL(file) : null;
      setPending((p) => [...p, { key, name: file.name, previewUrl }]);
      setBusy((n) => n + 1);
      try {
        const up = await uploadFile(file);
        setPending((p) => p.map((x) => (x.key === key ? { ...x, token: up.token, attachment: up.attachment } : x)));
      } catch (e) {
        if (previewUrl) URL.revokeObjectURL(previewUrl);
        setPending((p) => p.filter((x) => x.key !== key));
        const tooLarge = e instanceof ApiError && (e.status === 413 || (e.body?.error as string) === 'PayloadTooLarge');
        const message = tooLarge ? t('tk.tooLarge', { name: file.name }) : (e as Error).message;
        setErrors((list) => [...list, t('tk.uploadFailed', { name: file.name, message })]);
      } finally {
        setBusy((n) => n - 1);
      }
    }
  };
  const remove = (key: number) => {
    const p = pending.find((x) => x.key === key);
    if (p?.previewUrl) URL.revokeObjectURL(p.previewUrl);
    if (p?.token) void api('DELETE', `/api/v2/uploads/${encodeURIComponent(p.token)}`).catch(() => {});
    setPending((list) => list.filter((x) => x.key !== key));
  };
  const clear = () => {
    for (const p of pending) if (p.previewUrl) URL.revokeObjectURL(p.previewUrl);
    setPending([]);
    setErrors([]);
  };
  const tokens = pending.filter((p) => p.token).map((p) => p.token!);
  return { pending, errors, busy: busy > 0, add, remove, clear, tokens };
}

export type Uploads = ReturnType<typeof useUploads>;

// Drop target + file button + the files to send (with remove) + upload errors.
export function ComposerAttachments(props: { uploads: Uploads; id: string }) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const u = props.uploads;
  return (
    <div className="composer-attachments">
      <input
        ref={input}
        id={`${props.id}-file`}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        onChange={(e) => {
          if (e.target.files) void u.add(e.target.files);
          e.target.value = '';
        }}
      />
      <button type="button" onClick={() => input.current?.click()} aria-describedby={`${props.id}-hint`}>
        {t('tk.attach')}
      </button>
      <span className="hint" id={`${props.id}-hint`}>
        {t('tk.attachHint')}
      </span>
      {u.pending.length > 0 && (
        <ul className="pending-files" aria-label={t('tk.attachmentsToSend')}>
          {u.pending.map((p) => (
            <li key={p.key} data-pending={p.token ? 'ready' : 'uploading'}>
              {p.previewUrl && <img src={p.previewUrl} alt={t('tk.preview', { name: p.name })} className="thumb" />}
              <span>{p.token ? p.name : t('tk.uploading', { name: p.name })}</span>
              <button type="button" className="link" onClick={() => u.remove(p.key)} aria-label={t('tk.remove', { name: p.name })}>
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      {u.errors.map((e, i) => (
        <p key={i} className="error upload-error" role="alert">
          {e}
        </p>
      ))}
    </div>
  );
}

// Handlers that make an element a drop target for files.
export function dropTarget(uploads: Uploads, setOver: (b: boolean) => void) {
  return {
    onDragOver: (e: React.DragEvent) => {
      if (!Array.from(e.dataTransfer.types).includes('Files')) return;
      e.preventDefault();
      setOver(true);
    },
    onDragLeave: () => setOver(false),
    onDrop: (e: React.DragEvent) => {
      setOver(false);
      if (e.dataTransfer.files.length === 0) return;
      e.preventDefault();
      void uploads.add(e.dataTransfer.files);
    },
  };
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const isImage = (a: Attachment) => a.content_type.startsWith('image/') && a.content_type !== 'image/svg+xml';

export function CommentAttachments(props: { attachments: Attachment[] }) {
  const { t } = useI18n();
  if (props.attachments.length === 0) return null;
  return (
    <ul className="comment-attachments" aria-label={t('tk.attachments')}>
      {props.attachments.map((a) => (
        <li key={a.id}>
          {isImage(a) && (
            <a href={a.content_url} target="_blank" rel="noreferrer">
              <img
                className="thumb"
                src={a.thumbnails?.[0]?.content_url ?? a.content_url}
                alt={t('tk.preview', { name: a.file_name })}
                loading="lazy"
              />
            </a>
          )}
          <a href={a.content_url} download={a.file_name} aria-label={t('tk.download', { name: a.file_name, size: formatSize(a.size) })}>
            {a.file_name}
          </a>{' '}
          <span className="size">({formatSize(a.size)})</span>
        </li>
      ))}
    </ul>
  );
}
