// The social worker's viewer (docs/design.md, journey 6; docs/shares.md):
// read the link's secret from the fragment and take it out of the address bar
// at once, ask for the PIN when there is one, open the share, decrypt who
// shared it, who it is for, why, and each document's details, all in this
// page's memory. Every state of a link that cannot be opened gets its own
// plain page; a reload or a return by Back finds the key forgotten, on purpose
// (docs/shares.md, "Reload and Back").
import * as pde from '/static/crypto/pde-crypto.js';
import { ApiError, openShare, reportShare, shareStatus } from './api.js';
import { clearDocuments, sayDownloadsStay, showDocuments } from './documents.js';
import { moment } from '/static/kit/dates.js';
import { setUpReport, showReport } from '/static/kit/report.js';
import {
  FORGOTTEN,
  ICONS,
  KIT_ICONS,
  UNAVAILABLE,
  apiProblem,
  byId,
  showProblemPage,
  showScreen,
  startPage,
  takeLink,
} from '/static/kit/page.js';
import { language, onLanguageChange, setText, t } from '/static/kit/strings.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

// Each state of a link that cannot be shown: pictogram, title, explanation,
// and the label of the button that tries again (for states worth retrying).
const PROBLEMS = {
  invalid: {
    icon: `${KIT_ICONS}/link-broken.svg`,
    title: 'This link is not valid',
    text: 'The link is incomplete or damaged. Scan the QR code again, or copy the whole link, including the part after the # sign.',
  },
  not_found: {
    icon: `${KIT_ICONS}/link-broken.svg`,
    title: 'No documents at this link',
    text: 'This link does not exist, or the person who shared it deleted it. Ask them for a new link if you still need the documents.',
  },
  expired: {
    icon: `${ICONS}/clock.svg`,
    title: 'This link has expired',
    text: 'The person chose how long the documents could be seen, and that time is over. Ask them for a new link if you still need the documents.',
  },
  revoked: {
    icon: `${ICONS}/lock.svg`,
    title: 'This link was withdrawn',
    text: 'The person who shared these documents took the link back. Ask them for a new link if you still need the documents.',
  },
  locked: {
    icon: `${ICONS}/lock.svg`,
    title: 'This link is locked',
    text: 'The PIN was wrong too many times. For safety, this link can no longer be opened. Ask the person for a new link.',
  },
  used_up: {
    icon: `${ICONS}/lock.svg`,
    title: 'This link was already used',
    text: 'It was opened as many times as the person allowed. Ask them for a new link if you still need the documents.',
  },
  view_expired: {
    icon: `${ICONS}/clock.svg`,
    title: 'Open the link again',
    text: 'For safety, the documents are shown for a limited time only. Open them again to go on; this counts as a new opening.',
    retry: 'Open again',
  },
  network: {
    icon: `${KIT_ICONS}/wifi-off.svg`,
    title: 'No connection',
    text: 'The documents could not be loaded. Check the connection and try again.',
    retry: 'Try again',
  },
  // The service suspended the link after a report (its reason from the API).
  suspended_harmful: {
    icon: `${ICONS}/lock.svg`,
    title: 'This link was suspended by the service',
    text: 'The service that runs PDE suspended this link after a report: what it holds may be unwanted or harmful. The documents cannot be opened. If you need them, ask the person who shared them.',
  },
  suspended_fraud: {
    icon: `${ICONS}/lock.svg`,
    title: 'This link was suspended by the service',
    text: 'The service that runs PDE suspended this link after a report: it may be fraud or phishing. The documents cannot be opened. Do not give anyone money or personal details because of this link.',
  },
  suspended_wrong_recipient: {
    icon: `${ICONS}/lock.svg`,
    title: 'This link was suspended by the service',
    text: 'The service that runs PDE suspended this link after a report: it was sent to the wrong person. The documents cannot be opened. If you need them, ask the person who shared them.',
  },
  suspended_other: {
    icon: `${ICONS}/lock.svg`,
    title: 'This link was suspended by the service',
    text: 'The service that runs PDE suspended this link after a report. The documents cannot be opened. If you need them, ask the person who shared them.',
  },
  unavailable: UNAVAILABLE,
  forgotten: FORGOTTEN,
  rate_limited: {
    icon: `${ICONS}/clock.svg`,
    title: 'Too many attempts',
    text: 'Wait a minute, then try again.',
    retry: 'Try again',
  },
  damaged: {
    icon: `${ICONS}/warning.svg`,
    title: 'These documents cannot be opened',
    text: 'They could not be decrypted: the link may be damaged. Ask the person who shared it for a new link.',
  },
  unsupported: {
    icon: `${ICONS}/warning.svg`,
    title: 'This browser cannot open these documents',
    text: 'Use an up-to-date browser (Firefox, Chrome, Edge or Safari) and a secure address starting with https.',
  },
};

// The API's codes for a share that cannot be opened (docs/shares.md), and their pages.
const SHARE_STATES = {
  share_not_found: 'not_found',
  share_expired: 'expired',
  share_revoked: 'revoked',
  share_used_up: 'used_up',
  share_locked: 'locked',
  share_link_damaged: 'invalid', // the fragment is not this share's secret
  share_view_expired: 'view_expired',
  rate_limited: 'rate_limited',
};

const state = {
  shareId: document.body.dataset.shareId,
  secret: null, // the link's 16 bytes, until the share is open
  keys: null, // {shareKey, accessToken} once open: "open again" needs no PIN
  needsPin: false,
  opened: null, // {info, expiresAt, viewExpiresAt, opens, maxOpens}
  viewTimer: null,
};

/** Zero and drop the link's secret and the keys derived from it. */
function forgetKeys() {
  state.secret?.fill(0);
  state.keys?.shareKey.fill(0);
  state.keys?.accessToken.fill(0);
  state.keys?.linkToken.fill(0);
  state.secret = null;
  state.keys = null;
}

/**
 * Replace the page with the plain page of `kind`; `retry` re-runs the failed
 * step. Without a retry the link is over: its secret and keys leave memory too.
 */
function showProblem(kind, retry = null) {
  const problem = PROBLEMS[kind];
  showReport(false);
  clearTimeout(state.viewTimer);
  clearDocuments();
  state.opened = null;
  if (!(retry && problem.retry)) forgetKeys();
  showProblemPage(kind, problem, retry);
}

const SUSPENSION_REASONS = ['harmful', 'fraud', 'wrong_recipient', 'other'];

function problemOf(error) {
  if (error instanceof pde.CryptoError) return 'damaged';
  if (error instanceof ApiError && error.code === 'share_suspended') {
    const reason = SUSPENSION_REASONS.includes(error.suspensionReason) ? error.suspensionReason : 'other';
    return `suspended_${reason}`;
  }
  const kind = apiProblem(error, SHARE_STATES);
  if (kind) return kind;
  if (error instanceof ApiError) return 'invalid';
  throw error;
}

function formatNumber(n) {
  return new Intl.NumberFormat(language()).format(n);
}

/** Text of the share info box (FORMAT.md §6): a string, or "" when missing. */
const text = (value) => (typeof value === 'string' ? value.trim() : '');

/**
 * Who shared, for whom, why, and one time: until when the documents can be
 * seen. While the link can be opened again, that is the link's expiry (when
 * this page's own time is over, "Open again" takes one more opening); after
 * the last opening allowed, it is the end of this page's time.
 */
function renderFacts() {
  const { opened } = state;
  if (!opened) return;
  for (const [name, value] of Object.entries({
    from: text(opened.info.from),
    recipient: text(opened.info.recipient),
    purpose: text(opened.info.purpose),
  })) {
    byId(`fact-${name}`).hidden = !value;
    byId(`share-${name}`).textContent = value;
  }
  const lastOpening = opened.maxOpens !== null && opened.opens >= opened.maxOpens;
  byId('share-until').textContent = moment(lastOpening ? opened.viewExpiresAt : opened.expiresAt, 'full');
  byId('fact-opens').hidden = opened.maxOpens === null; // no limit: nothing to count down
  byId('share-opens').textContent = t('{opens} of {max}', {
    opens: formatNumber(opened.opens),
    max: formatNumber(opened.maxOpens ?? 0),
  });
  byId('share-notice').textContent = lastOpening
    ? t('You see only what the person chose to share. The link cannot be opened again: save what you need now.')
    : t('You see only what the person chose to share.');
  byId('documents-title').textContent = t('Shared documents: {count}', {
    count: formatNumber(opened.documentCount),
  });
}
onLanguageChange(renderFacts);

async function decryptDocuments(shareKey, documents) {
  return Promise.all(
    documents.map(async (item) => ({
      id: item.document_id,
      key: await pde.unwrapDocumentKeyFromShare(
        shareKey,
        pde.b64uDecode(item.wrapped_key),
        state.shareId,
        item.document_id,
      ),
      metadata: await pde.decryptShareMetadata(
        shareKey,
        pde.b64uDecode(item.metadata),
        state.shareId,
        item.document_id,
      ),
      size: Number.isFinite(item.size) ? pde.plaintextSize(item.size) : null,
    })),
  );
}

/** Show the share when the server's view time is over (its clock, not this computer's). */
function startViewTimer(opened) {
  const skew = opened.server_time ? Date.parse(opened.server_time) - Date.now() : 0;
  const left = Date.parse(opened.view_expires_at) - (Date.now() + (Number.isFinite(skew) ? skew : 0));
  clearTimeout(state.viewTimer);
  state.viewTimer = setTimeout(() => showProblem('view_expired', reopen), Math.min(Math.max(left, 0), MAX_TIMER_MS));
}

/** Open the share with these keys and show it; errors go to the caller. */
async function open(keys) {
  const opened = await openShare(state.shareId, {
    link_token: pde.b64uEncode(keys.linkToken),
    access_token: pde.b64uEncode(keys.accessToken),
  });
  const info = await pde.decryptShareInfo(keys.shareKey, pde.b64uDecode(opened.info), state.shareId);
  const documents = await decryptDocuments(keys.shareKey, opened.documents);
  if (state.keys !== keys) {
    state.secret?.fill(0);
    state.secret = null;
    state.keys = keys;
  }
  state.opened = {
    info,
    expiresAt: opened.expires_at,
    viewExpiresAt: opened.view_expires_at,
    opens: opened.opens,
    maxOpens: opened.max_opens ?? null,
    documentCount: documents.length,
  };
  showDocuments({
    shareId: state.shareId,
    viewToken: opened.view_token,
    transfer: opened.transfer,
    documents,
    onShareError: (error) => showProblem(problemOf(error), error.code === 'share_view_expired' ? reopen : null),
  });
  renderFacts();
  showScreen('share', 'share-title', 'open');
  showReport(true);
  startViewTimer(opened);
}

/** "Open again" after the view time: the keys are still in memory, no PIN needed. */
async function reopen() {
  showScreen('opening');
  try {
    await open(state.keys);
  } catch (error) {
    showProblem(problemOf(error), reopen);
  }
}

async function unlock(pin) {
  const keys = await pde.deriveShareKeys(state.secret, state.shareId, pin);
  await open(keys);
}

function askPin(message = '', values = undefined) {
  const input = byId('pin-input');
  input.value = '';
  setText(byId('pin-error'), message, values);
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
  showScreen('pin', 'pin-input');
  showReport(true);
}

byId('pin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = byId('pin-input');
  const pin = input.value.trim();
  if (!pin) {
    setText(byId('pin-error'), 'Type the PIN first.');
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  const button = byId('pin-submit');
  if (button.disabled) return;
  button.disabled = true;
  try {
    await unlock(pin);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'share_wrong_access') {
      if (error.attemptsLeft === null) askPin('Wrong PIN. Check it with the person and try again.');
      else askPin('Wrong PIN. Attempts left: {count}.', { count: error.attemptsLeft });
    } else {
      showProblem(problemOf(error), () => askPin());
    }
  } finally {
    button.disabled = false;
  }
});

/** Ask the server whether the share can be opened and needs a PIN, then open it. */
async function begin() {
  showScreen('opening');
  showReport(false);
  try {
    const status = await shareStatus(state.shareId);
    state.needsPin = Boolean(status.pin);
    if (state.needsPin) {
      askPin();
      return;
    }
    await unlock('');
  } catch (error) {
    showProblem(problemOf(error), begin);
  }
}

/** This share's link in `href`, or null. */
function readLink(href) {
  try {
    const link = pde.parseShareLink(href);
    return link.shareId === state.shareId ? link : null;
  } catch {
    return null;
  }
}

/** Take the documents off the page and the keys out of memory. */
function forgetAll() {
  clearTimeout(state.viewTimer);
  clearDocuments();
  forgetKeys();
  state.opened = null;
}

/**
 * Start from the link in the address bar (on load, or when a link is pasted
 * into this tab). Without a key after a reload or Back, the page says it forgot
 * the key: the link is not damaged, it must only be opened again.
 */
function start({ returned }) {
  // The secret leaves the address bar (and so the history) before anything else happens.
  const href = takeLink();
  const link = readLink(href);
  forgetAll();
  if (state.shareId && returned && !new URL(href).hash) {
    sayDownloadsStay(); // this page cannot know what was downloaded before
    showProblem('forgotten');
  } else if (!state.shareId || !link) {
    showProblem('invalid');
  } else if (!globalThis.crypto?.subtle) {
    showProblem('unsupported');
  } else {
    state.secret = link.secret;
    begin();
  }
}

setUpReport((body) => reportShare(state.shareId, body));
startPage(start, { leave: forgetAll });
