// "My account": change the secret phrase (or make or stop a wallet card:
// screens/card.js, loaded when this screen is first shown), see and end the wallet's sessions,
// take every document away as a decrypted zip (after a warning that the file
// is unprotected, stronger on a shared terminal), and erase the wallet
// (typing its name to confirm).
import { ApiError, endSession, listSessions } from '../api.js';
import { t } from '/static/kit/strings.js';
import { moment } from '/static/kit/dates.js';
import { go, register } from '../nav.js';
import { newPassphraseProblem } from '../passphrase.js';
import { leave } from '../session.js';
import { state } from '../state.js';
import { busy, byId, el, errorMessage, icon, notify, setError } from '../ui.js';
import { changePassphrase, eraseWallet } from '../wallet.js';

const current = byId('passphrase-current');
const next = byId('passphrase-new');
const again = byId('passphrase-again');

byId('passphrase-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const wrong = current.value ? newPassphraseProblem(next, again) : [current, t('The current secret phrase is not right.')];
  if (wrong) {
    setError('passphrase-error', wrong[1]);
    wrong[0].focus();
    return;
  }
  setError('passphrase-error', '');
  try {
    await busy(byId('passphrase-submit'), () => changePassphrase(current.value, next.value));
    event.target.reset();
    notify(t('Your secret phrase is changed.'));
    await showSessions(); // the server ended every other session
  } catch (error) {
    const wrongCurrent = error instanceof ApiError && error.code === 'invalid_credentials';
    setError('passphrase-error', wrongCurrent ? t('The current secret phrase is not right.') : errorMessage(error));
    current.value = '';
    current.focus();
  }
});

function sessionItem(session) {
  const when = el('span', {
    className: 'session-times',
    text: t('Opened {opened} · last used {seen}', {
      opened: moment(session.created_at),
      seen: moment(session.last_seen_at),
    }),
  });
  const item = el('li', { className: 'session', attrs: { 'data-current': String(session.current) } }, [
    icon(session.current ? 'person' : 'clock'),
  ]);
  if (session.current) item.append(el('strong', { text: t('This terminal') }), ' ');
  item.append(when);
  if (!session.current) {
    const end = el('button', { className: 'btn btn-small', attrs: { type: 'button' } }, [
      icon('leave', 'icon icon-flip'),
      t('End'),
    ]);
    end.addEventListener('click', async () => {
      try {
        await busy(end, () => endSession(session.session_id));
        item.remove();
      } catch (error) {
        notify(errorMessage(error));
      }
    });
    item.append(end);
  }
  return item;
}

async function showSessions() {
  const list = byId('session-list');
  try {
    list.replaceChildren(...(await listSessions()).map(sessionItem));
  } catch (error) {
    list.replaceChildren();
    notify(errorMessage(error));
  }
}

const exportConfirm = byId('export-confirm');
const exportSubmit = byId('export-submit');
const exportProgress = byId('export-progress');

function showExportProgress(done, total) {
  const value = total ? Math.floor((100 * done) / total) : 100;
  byId('export-progress-bar').value = value;
  byId('export-progress-percent').textContent = `${value}%`;
  byId('export-progress-label').textContent =
    done < total ? t('Unlocking document {done} of {total}…', { done: done + 1, total }) : t('The file is ready.');
}

exportConfirm.addEventListener('change', () => {
  exportSubmit.disabled = !exportConfirm.checked;
});
exportSubmit.addEventListener('click', async () => {
  setError('export-error', '');
  exportProgress.hidden = false;
  showExportProgress(0, 1);
  try {
    // The zip writer and the export load only now, to keep the first visit light.
    const [{ exportFileName, exportWallet }, { saveBlob }] = await Promise.all([
      import('../export.js'),
      import('../download.js'),
    ]);
    const { zip, count } = await busy(exportSubmit, () => exportWallet(showExportProgress));
    const name = exportFileName();
    saveBlob(zip, name);
    notify(t('Your file is ready: {name} ({count} documents).', { name, count }));
  } catch (error) {
    exportProgress.hidden = true;
    setError('export-error', errorMessage(error));
  } finally {
    exportConfirm.checked = false; // each export is confirmed again
    exportSubmit.disabled = true;
  }
});

function resetExport() {
  // Public terminals (no downloads of decrypted files) get the stronger warning.
  byId('export-shared-warning').hidden = document.body.dataset.downloads === 'true';
  exportConfirm.checked = false;
  exportSubmit.disabled = true;
  exportProgress.hidden = true;
  setError('export-error', '');
}

byId('erase-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const typed = byId('erase-handle').value.normalize('NFKC').trim();
  if (typed.toLocaleLowerCase() !== (state.handle || '').toLocaleLowerCase()) {
    setError('erase-error', t('Type your wallet name exactly to confirm.'));
    byId('erase-handle').focus();
    return;
  }
  setError('erase-error', '');
  try {
    await busy(byId('erase-submit'), () => eraseWallet(typed));
    await leave();
  } catch (error) {
    const wrongName = error instanceof ApiError && error.code === 'invalid_credentials';
    setError('erase-error', wrongName ? t('Type your wallet name exactly to confirm.') : errorMessage(error));
  }
});

/** A passphrase wallet can change it or make a wallet card; a card wallet can stop using it.
 * The card forms stay hidden until screens/card.js, which handles them, is loaded. */
function showSecretForms() {
  for (const id of ['passphrase-form', 'card-make-form', 'card-stop-form']) byId(id).reset();
  byId('passphrase-form').hidden = state.usesCard;
  byId('card-make-form').hidden = state.usesCard;
  byId('card-stop-form').hidden = !state.usesCard;
}

// The screens reached from here load on first use, like the share screens: "Other
// documents" and the trustees'. Each import is written out, for tests/unit/test_es_modules.py.
const SCREENS_ON_FIRST_USE = [
  ['account-compartment', 'compartment', () => import('./compartment.js')],
  ['account-trustees', 'trustees', () => import('./trustees.js')],
  ['account-trustee-help', 'trustee-help', () => import('./trustee-help.js')],
];
for (const [id, screen, load] of SCREENS_ON_FIRST_USE) {
  byId(id).addEventListener('click', async () => {
    try {
      await load();
      await go(screen);
    } catch (error) {
      notify(errorMessage(error));
    }
  });
}

register('account', async () => {
  for (const id of ['passphrase-error', 'card-make-error', 'card-stop-error', 'erase-error']) setError(id, '');
  await import('./card.js'); // the wallet card's forms (loaded on first use)
  showSecretForms();
  byId('erase-form').reset();
  resetExport();
  await showSessions();
});
