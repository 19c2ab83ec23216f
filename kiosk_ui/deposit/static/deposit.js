// The depositor's page (docs/design.md, journey 7; docs/deposits.md): read the
// link's secret from its fragment and take it out of the address bar at once,
// open the link's info box with it (the owner's label for the link, shown so
// that a service can check it sends to the right person, and the wallet's
// public key) and refuse to seal anything unless it opens and names the key the
// server hands out, then lock each chosen file here (fresh document key sealed
// to the wallet, metadata sealed under it, content streamed) and send it in
// parts, resuming after a drop. This page keeps nothing and has no way to list
// or read what is in the wallet, its own files included.
import * as pde from '/static/crypto/pde-crypto.js';
import { sealFile, sendParts } from '/static/js/upload.js';
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
import { categoryLabels, setText } from '/static/kit/strings.js';
import * as api from './api.js';
import { forgetKey, setUpSigning, signInto, signingReady } from './signing.js';

const PART_BYTES = 4 << 20;

// Each state that stops the page: pictogram, title, explanation, and the label
// of the button that goes on (for states worth another try).
const PROBLEMS = {
  invalid: {
    icon: `${KIT_ICONS}/link-broken.svg`,
    title: 'This link is not complete',
    text: 'Scan the QR code again, or copy the whole link, including the part after the # sign.',
  },
  outdated: {
    icon: `${KIT_ICONS}/link-broken.svg`,
    title: 'This link is of an older kind',
    text: 'It was made before an update of PDE and can no longer be used. Ask the person who gave it to you for a new link.',
  },
  not_found: {
    icon: `${KIT_ICONS}/link-broken.svg`,
    title: 'No deposit link here',
    text: 'This link does not exist, or the person who made it deleted it. Ask them for a new link.',
  },
  closed: {
    icon: `${ICONS}/lock.svg`,
    title: 'This link is closed',
    text: 'It has expired, was withdrawn, or has already taken all the files it can. Ask the person who gave it to you for a new link.',
  },
  mismatch: {
    icon: `${ICONS}/warning.svg`,
    title: 'This link cannot be trusted',
    text: 'The wallet does not match the link: nothing was sent. Check that you have the whole link, or ask the person for a new one.',
  },
  too_large: {
    icon: `${ICONS}/warning.svg`,
    title: 'This file is too large',
    text: '{name} is larger than a wallet accepts ({max}). Choose a smaller file.',
    retry: 'Choose other files',
  },
  too_many: {
    icon: `${ICONS}/warning.svg`,
    title: 'Too many files',
    text: 'This link takes only {count} more files. Choose fewer files.',
    retry: 'Choose other files',
  },
  quota: {
    icon: `${ICONS}/warning.svg`,
    title: 'The wallet is full',
    text: 'The wallet has no room left for this file, so it was not sent. Tell the person: they can make room and give you a new link.',
  },
  network: {
    icon: `${KIT_ICONS}/wifi-off.svg`,
    title: 'No connection',
    text: 'The files could not be sent. Check the connection and try again: what was already sent is kept.',
    retry: 'Try again',
  },
  // The service suspended the link after a report (its reason from the API).
  suspended_harmful: {
    icon: `${ICONS}/lock.svg`,
    title: 'This link was suspended by the service',
    text: 'The service that runs PDE suspended this link after a report: what was sent through it may be unwanted or harmful. Nothing can be sent through it now. Ask the person who gave it to you.',
  },
  suspended_fraud: {
    icon: `${ICONS}/lock.svg`,
    title: 'This link was suspended by the service',
    text: 'The service that runs PDE suspended this link after a report: it may be fraud or phishing. Nothing can be sent through it now. Do not send documents to anyone because of this link.',
  },
  suspended_wrong_recipient: {
    icon: `${ICONS}/lock.svg`,
    title: 'This link was suspended by the service',
    text: 'The service that runs PDE suspended this link after a report: it was given to the wrong person. Nothing can be sent through it now. Ask the person who gave it to you.',
  },
  suspended_other: {
    icon: `${ICONS}/lock.svg`,
    title: 'This link was suspended by the service',
    text: 'The service that runs PDE suspended this link after a report. Nothing can be sent through it now. Ask the person who gave it to you.',
  },
  unavailable: UNAVAILABLE,
  forgotten: FORGOTTEN,
  rate_limited: {
    icon: `${ICONS}/clock.svg`,
    title: 'Too many files sent',
    text: 'Wait a while, then try again.',
    retry: 'Try again',
  },
  unsupported: {
    icon: `${ICONS}/warning.svg`,
    title: 'This browser cannot send the files',
    text: 'Use an up-to-date browser (Firefox, Chrome, Edge or Safari) and a secure address starting with https.',
  },
};

// The API's codes (docs/deposits.md), and their pages.
const API_PROBLEMS = {
  deposit_not_found: 'not_found',
  deposit_closed: 'closed',
  document_too_large: 'too_large',
  quota_exceeded: 'quota',
  rate_limited: 'rate_limited',
};

const state = {
  depositId: document.body.dataset.depositId,
  secret: null, // the link's 16 bytes, from the fragment
  info: null, // the link's answer, once its info box opened and named the server's key
  publicKey: null,
  /** @type {{file: File, item: HTMLElement, title: HTMLInputElement, type: HTMLSelectElement, sealed: ?Blob, body: ?object, declared: boolean, done: boolean}[]} */
  files: [],
  sending: false,
};

function formatSize(bytes) {
  const units = [['GB', 1e9], ['MB', 1e6], ['kB', 1e3]];
  const [unit, size] = units.find(([, n]) => bytes >= n) || ['B', 1];
  const number = new Intl.NumberFormat(document.documentElement.lang, { maximumFractionDigits: 1 });
  return `${number.format(bytes / size)} ${unit}`;
}

/** Replace the page with the plain page of `kind`; `retry` goes on from there. */
function showProblem(kind, retry = null, values = undefined) {
  if (!retry) forgetFiles(); // the link is over for this page
  showReport(false);
  showProblemPage(kind, PROBLEMS[kind], retry, values);
}

const SUSPENSION_REASONS = ['harmful', 'fraud', 'wrong_recipient', 'other'];

function problemOf(error) {
  if (error instanceof api.ApiError && error.code === 'deposit_suspended') {
    const reason = SUSPENSION_REASONS.includes(error.suspensionReason) ? error.suspensionReason : 'other';
    return `suspended_${reason}`;
  }
  return apiProblem(error, API_PROBLEMS) || 'unavailable';
}

// Choosing ------------------------------------------------------------------------

const left = () => state.info.files_left - state.files.filter((entry) => entry.done).length;
const waiting = () => state.files.filter((entry) => !entry.done);

function renderChoice() {
  setText(byId('choose-limits'), 'This link takes up to {count} more files, until {when}.', {
    count: left(),
    when: moment(state.info.expires_at, 'long'),
  });
  const count = waiting().length;
  byId('chosen-title').hidden = state.files.length === 0;
  setText(byId('chosen-title'), 'Files to send: {count}', { count });
  byId('deposit-send').hidden = count === 0;
  if (count === 1) setText(byId('deposit-send-label'), 'Send 1 file');
  else setText(byId('deposit-send-label'), 'Send {count} files', { count });
}

function fileItem(file, index) {
  const item = byId('file-template').content.firstElementChild.cloneNode(true);
  const [titleLabel, typeLabel] = item.querySelectorAll('.file-label');
  const title = item.querySelector('.file-title');
  const type = item.querySelector('.file-type');
  title.id = `file-title-${index}`;
  type.id = `file-type-${index}`;
  titleLabel.htmlFor = title.id;
  typeLabel.htmlFor = type.id;
  setText(titleLabel, 'Title');
  setText(typeLabel, 'Type of document');
  item.querySelector('.document-file').textContent = `${file.name} · ${formatSize(file.size)}`;
  title.value = file.name.replace(/\.[^.]+$/, '') || file.name;
  for (const [slug, label] of Object.entries(categoryLabels)) {
    const option = document.createElement('option');
    option.value = slug;
    setText(option, label);
    type.append(option);
  }
  type.value = 'other';
  const progress = item.querySelector('.file-progress');
  progress.id = `file-progress-${index}`;
  progress.setAttribute('aria-labelledby', title.id);
  const remove = item.querySelector('.file-remove');
  setText(remove.querySelector('.label'), 'Remove');
  remove.setAttribute('aria-describedby', title.id);
  return { item, title, type, progress, status: item.querySelector('.file-status'), remove };
}

let counter = 0;

function choose(event) {
  const chosen = [...event.target.files];
  event.target.value = ''; // the same file can be chosen again
  if (!chosen.length || state.sending) return;
  setText(byId('choose-error'), '');
  const tooLarge = chosen.find((file) => pde.ciphertextSize(file.size) > state.info.document_max_bytes);
  if (tooLarge) {
    showProblem('too_large', backToChoice, { name: tooLarge.name, max: formatSize(state.info.document_max_bytes) });
    return;
  }
  if (waiting().length + chosen.length > left()) {
    showProblem('too_many', backToChoice, { count: left() });
    return;
  }
  for (const file of chosen) {
    counter += 1;
    const entry = { file, sealed: null, body: null, declared: false, done: false, ...fileItem(file, counter) };
    entry.remove.addEventListener('click', () => {
      state.files = state.files.filter((other) => other !== entry);
      entry.item.remove();
      renderChoice();
      byId('deposit-files').focus();
    });
    state.files.push(entry);
    byId('chosen-list').append(entry.item);
  }
  renderChoice();
}
byId('deposit-files').addEventListener('change', choose);
byId('deposit-camera').addEventListener('change', choose);

function backToChoice() {
  showScreen('choose', 'choose-title');
  showReport(true);
  renderChoice();
}

/** Drop every chosen file and what was made from it. */
function forgetFiles() {
  state.files = [];
  byId('chosen-list').replaceChildren();
}

// Sending -------------------------------------------------------------------------

function showProgress(entry, phase, done, total) {
  const percent = total ? Math.floor((100 * done) / total) : 100;
  entry.progress.hidden = false;
  entry.progress.value = phase === 'lock' ? 0 : percent;
  if (phase === 'lock') setText(entry.status, 'Locking the file…');
  else if (phase === 'send') setText(entry.status, 'Sending… {percent}%', { percent });
  else if (phase === 'retry') setText(entry.status, 'Connection lost. Trying again…');
  else setText(entry.status, 'Sent');
}

/** Lock `entry`'s file for the wallet once; the keys leave memory as soon as they are sealed. */
async function lock(entry) {
  const { depositId } = state;
  const documentId = pde.newId();
  const key = pde.newKey();
  try {
    const { sealed, sha256 } = await sealFile(entry.file, key, documentId, (done, total) =>
      showProgress(entry, 'lock', done, total),
    );
    const metadata = {
      title: entry.title.value.trim() || entry.file.name,
      file_name: entry.file.name,
      media_type: entry.file.type || 'application/octet-stream',
      size: entry.file.size,
      type: entry.type.value,
    };
    await signInto(entry.file, metadata); // an organisation's signature, if a key was chosen
    entry.body = {
      document_id: documentId,
      sealed_key: pde.b64uEncode(await pde.sealDepositDocumentKey(state.publicKey, key, depositId, documentId)),
      metadata: pde.b64uEncode(await pde.encryptDepositMetadata(key, metadata, depositId, documentId)),
      size: sealed.size,
      sha256: pde.b64uEncode(sha256),
    };
    entry.sealed = sealed;
  } finally {
    key.fill(0);
  }
}

/** Declare, send and complete one file; after a failure, the next call goes on where it stopped. */
async function send(entry) {
  const { depositId } = state;
  if (!entry.sealed) await lock(entry);
  const documentId = entry.body.document_id;
  if (!entry.declared) {
    try {
      await api.declareFile(depositId, entry.body);
    } catch (error) {
      if (error.code !== 'already_exists') throw error; // else: the answer was lost, not the file
    }
    entry.declared = true;
  }
  showProgress(entry, 'send', 0, entry.sealed.size);
  const transport = {
    put: (offset, part) => api.putPart(depositId, documentId, offset, part),
    status: () => api.uploadStatus(depositId, documentId),
    isRetryable: api.isRetryable,
  };
  await sendParts(entry.sealed, Math.min(PART_BYTES, state.info.part_max_bytes), transport, {
    onProgress: (done, total) => showProgress(entry, 'send', done, total),
    onRetry: () => showProgress(entry, 'retry'),
  });
  try {
    await api.completeFile(depositId, documentId);
  } catch (error) {
    if (error.code !== 'upload_not_pending') throw error; // else: completed, the answer was lost
  }
  entry.done = true;
  entry.sealed = null;
  entry.body = null;
  showProgress(entry, 'done', 1, 1);
}

async function sendAll() {
  if (state.sending || !signingReady()) return;
  state.sending = true;
  const button = byId('deposit-send');
  button.disabled = true;
  const batch = waiting();
  for (const entry of batch) {
    entry.title.disabled = true;
    entry.type.disabled = true;
    entry.remove.hidden = true;
  }
  try {
    for (const entry of batch) await send(entry);
  } catch (error) {
    const kind = problemOf(error);
    showProblem(kind, PROBLEMS[kind].retry ? retrySending : null);
    return;
  } finally {
    state.sending = false;
    button.disabled = false;
  }
  const sent = state.files.filter((entry) => entry.done).length;
  if (sent === 1) setText(byId('sent-heading'), 'Sent: 1 file.');
  else setText(byId('sent-heading'), 'Sent: {count} files.', { count: sent });
  byId('sent-more').hidden = left() <= 0;
  forgetFiles();
  showScreen('sent', 'sent-title');
  showReport(true);
}
byId('deposit-send').addEventListener('click', sendAll);
setUpSigning();

function retrySending() {
  showScreen('choose');
  renderChoice();
  sendAll();
}

byId('sent-more').addEventListener('click', () => begin());

// The link ----------------------------------------------------------------------

/**
 * The wallet's public key and the owner's label, from the link's info box opened
 * with the link's secret; null unless it opens and names the key the server gave.
 */
async function openInfo(info) {
  try {
    const box = pde.b64uDecode(info.info || '');
    const opened = await pde.decryptDepositLinkInfo(state.secret, box, state.depositId);
    const publicKey = pde.depositLinkPublicKey(opened);
    const given = pde.b64uDecode(info.public_key);
    const same = given.length === publicKey.length && publicKey.every((byte, i) => byte === given[i]);
    return same ? { publicKey, label: typeof opened.label === 'string' ? opened.label.trim() : '' } : null;
  } catch (error) {
    if (error instanceof pde.CryptoError) return null;
    throw error;
  }
}

/** Ask for the link's answer, and go on only if its info box opens and names the server's key. */
async function begin() {
  showScreen('checking');
  showReport(false);
  state.info = null;
  state.publicKey = null;
  try {
    const info = await api.depositInfo(state.depositId);
    const opened = await openInfo(info);
    if (!opened) {
      showProblem('mismatch');
      return;
    }
    state.info = info;
    state.publicKey = opened.publicKey;
    byId('recipient').hidden = !opened.label;
    byId('recipient-label').textContent = opened.label;
    forgetFiles();
    backToChoice();
  } catch (error) {
    const kind = problemOf(error);
    showProblem(kind, PROBLEMS[kind].retry ? begin : null);
  }
}

/** The secret in `href`'s fragment; 'outdated' for a link of an older kind, null if none. */
function readSecret(href) {
  try {
    return pde.parseDepositLink(href).secret; // FORMAT.md §7, read as §6 with /d/
  } catch (error) {
    return error instanceof pde.UnsupportedVersion ? 'outdated' : null;
  }
}

/** Drop the chosen files and the link's secret: the page is left. */
function leave() {
  forgetFiles();
  forgetKey();
  state.secret?.fill(0);
  state.secret = null;
}

/** Start from the link in the address bar; after a reload or Back, say the key was forgotten on purpose. */
function start({ returned }) {
  const href = takeLink(); // the fragment leaves the address bar before anything else
  const secret = readSecret(href);
  leave();
  if (!state.depositId) {
    showProblem('not_found');
  } else if (returned && !new URL(href).hash) {
    showProblem('forgotten');
  } else if (secret === 'outdated') {
    showProblem('outdated');
  } else if (!secret) {
    showProblem('invalid');
  } else if (!globalThis.crypto?.subtle) {
    showProblem('unsupported');
  } else {
    state.secret = secret;
    begin();
  }
}

setUpReport((body) => api.reportLink(state.depositId, body));
startPage(start, { busy: () => state.sending, leave });
