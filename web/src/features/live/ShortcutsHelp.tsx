// The live page's keyboard shortcuts, shown by `?` (or the "?" button) in a dialog.
import { useEffect, useRef } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/translate.ts';

// A key is shown as written (`Alt+1`, `N`), or by its name in the chosen language (a message).
const shortcuts: { keys: (string | MessageKey)[]; what: MessageKey }[] = [
  { keys: ['Alt+1', 'Alt+2', 'Alt+3', 'Alt+4', 'Alt+5'], what: 'shortcuts.grids' },
  { keys: ['N', 'P'], what: 'shortcuts.nextPrevious' },
  { keys: ['←', '→', '↑', '↓'], what: 'shortcuts.ptzMove' },
  { keys: ['PgUp', 'PgDn'], what: 'shortcuts.ptzZoom' },
  { keys: ['shortcuts.key.enter'], what: 'shortcuts.enlarge' },
  { keys: ['shortcuts.key.escape'], what: 'shortcuts.leave' },
  { keys: ['/'], what: 'shortcuts.search' },
  { keys: ['?'], what: 'shortcuts.help' },
];

const keyNames: ReadonlySet<string> = new Set<MessageKey>(['shortcuts.key.enter', 'shortcuts.key.escape']);

export function ShortcutsHelp({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const dialogRef = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={dialogRef}
      className="live-dialog shortcuts-dialog"
      aria-labelledby="shortcuts-title"
      data-testid="live-shortcuts"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id="shortcuts-title">{t('shortcuts.title')}</h2>
      <table className="table compact">
        <tbody>
          {shortcuts.map((entry) => (
            <tr key={entry.what}>
              <td className="nowrap">
                {entry.keys.map((key) => (
                  <kbd key={key} className="key">
                    {keyNames.has(key) ? t(key as MessageKey) : key}
                  </kbd>
                ))}
              </td>
              <td>{t(entry.what)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">{t('shortcuts.note')}</p>
      <div className="button-row">
        <button
          type="button"
          className="button-primary"
          // biome-ignore lint/a11y/noAutofocus: the shortcuts dialog opens on its close button, so that Enter closes it
          autoFocus
          onClick={onClose}
        >
          {t('common.close')}
        </button>
      </div>
    </dialog>
  );
}
