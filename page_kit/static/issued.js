// Issued documents (crypto/FORMAT.md §7.3), as the kiosk and the share viewer show
// them: the signature carried in a document's metadata (`issued`) is checked in
// this page against the public list of organisations (GET /api/v1/organisations,
// fetched once per page), and drawn as a panel that cannot be taken for an
// ordinary scan: who issued it, when, under which title, and the answer.
import { sha256, verifyIssued } from '/static/crypto/pde-crypto.js';
import { formatDate } from './dates.js';
import { setText } from './strings.js';

/** Each answer of a check, written into an element in the page's language. */
const SAY_STATUS = {
  verified: (p) => setText(p, 'Signature verified'),
  mismatch: (p) => setText(p, 'Signature does not match: the file or what it says was changed.'),
  unknown: (p) => setText(p, 'Organisation unknown: it is not on PDE’s list of organisations.'),
  revoked: (p) => setText(p, 'Key revoked: the organisation’s key was revoked before this date.'),
  expired: (p) => setText(p, 'Key expired: the organisation’s key was not valid on this date.'),
};

let listed = null;

/** The public list of organisations, fetched once per page. */
export async function organisations() {
  if (!listed) {
    listed = fetch('/api/v1/organisations', { credentials: 'omit', cache: 'no-store' })
      .then((answer) => {
        if (!answer.ok) throw new Error(`organisations: ${answer.status}`);
        return answer.json();
      })
      .then((body) => body.organisations);
    listed.catch(() => {
      listed = null; // try again next time
    });
  }
  return listed;
}

/**
 * Check a document's signature against its decrypted content.
 * @param {string} jws the metadata's `issued`
 * @param {Blob} content the decrypted file
 * @returns {Promise<{status: string, claims: object|null, organisation: object|null}>}
 */
export async function checkIssued(jws, content) {
  const digest = await sha256(new Uint8Array(await content.arrayBuffer()));
  return verifyIssued(jws, digest, await organisations());
}

function line(className) {
  const p = document.createElement('p');
  p.className = className;
  return p;
}

/** The panel on the way: "Checking the signature…". */
export function checkingPanel() {
  const status = line('issued-status');
  setText(status, 'Checking the signature…');
  return panel('checking', [status]);
}

/** The panel when the list or the content could not be had. */
export function uncheckedPanel() {
  const status = line('issued-status');
  setText(status, 'The signature could not be checked. Try again later.');
  return panel('unchecked', [status]);
}

function panel(kind, lines) {
  const box = document.createElement('section');
  box.className = `issued issued-${kind}`;
  box.dataset.issued = kind;
  const heading = document.createElement('p');
  heading.className = 'issued-heading';
  setText(heading, 'Issued document');
  box.replaceChildren(heading, ...lines);
  return box;
}

/**
 * The panel of a check's result: who issued the document, when, as what, and the answer.
 * @param {{status: string, claims: object|null, organisation: object|null}} result
 * @returns {HTMLElement}
 */
export function issuedPanel(result) {
  const { status, claims, organisation } = result;
  const lines = [];
  if (claims) {
    const name = organisation?.name || claims.organisationId;
    const [by, title] = [line('issued-by'), line('issued-title')];
    setText(by, 'Issued by {name} on {date}', { name, date: formatDate(claims.date) });
    setText(title, 'Title when issued: {title}', { title: claims.title });
    lines.push(by, title);
  }
  const answer = line('issued-status');
  (SAY_STATUS[status] || SAY_STATUS.mismatch)(answer);
  lines.push(answer);
  return panel(status, lines);
}
