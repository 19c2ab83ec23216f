// Signing as an organisation on the depositor's page (crypto/FORMAT.md §7.3,
// docs/issued-documents.md): the service chooses its key file (a JWK made by
// `pde org keygen`); the key is read into this page's memory only, checked
// against the server's public list of organisations, and each file is signed in
// this browser with WebCrypto's Ed25519 before it is locked. The key is never sent.
import * as pde from '/static/crypto/pde-crypto.js';
import { setText } from '/static/kit/strings.js';

const byId = (id) => document.getElementById(id);
const CHECK = pde.utf8('pde/v1/key-file-check');
/** The organisation's key once checked: {key: CryptoKey, kid, organisation}; else null. */
let signer = null;

const today = () => new Date().toISOString().slice(0, 10);

function tell(message) {
  signer = null;
  setText(byId('sign-organisation'), '');
  setText(byId('sign-error'), message);
}

/** The key file's JWK, imported for signing and checked to sign for its own public key. */
async function readKeyFile(file) {
  const jwk = JSON.parse(await file.text());
  const key = await pde.importOrgPrivateKey(jwk);
  const publicKey = pde.b64uDecode(jwk.x);
  const kid = await pde.orgKeyId(publicKey);
  if (jwk.kid !== undefined && jwk.kid !== kid) throw new TypeError('kid');
  const verifier = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  const signature = await crypto.subtle.sign({ name: 'Ed25519' }, key, CHECK);
  if (!(await crypto.subtle.verify({ name: 'Ed25519' }, verifier, signature, CHECK))) throw new TypeError('x');
  return { key, kid, publicKey: jwk.x };
}

async function registered(kid, publicKey) {
  const answer = await fetch('/api/v1/organisations', { credentials: 'omit', cache: 'no-store' });
  if (!answer.ok) throw new Error('organisations');
  for (const organisation of (await answer.json()).organisations) {
    const entry = organisation.keys.find((k) => k.kid === kid && k.public_key === publicKey);
    if (entry) return { organisation, entry };
  }
  return null;
}

const usableOn = (entry, day) =>
  !(entry.revoked_from && entry.revoked_from <= day) &&
  day >= entry.valid_from &&
  !(entry.valid_until && day > entry.valid_until);

async function chooseKey(event) {
  const [file] = event.target.files;
  setText(byId('sign-error'), '');
  if (!file) return;
  let read;
  try {
    read = await readKeyFile(file);
  } catch {
    tell('This is not a key file of an organisation.');
    return;
  }
  let found;
  try {
    found = await registered(read.kid, read.publicKey);
  } catch {
    tell('The list of organisations could not be read. Try again in a minute.');
    return;
  }
  if (!found) {
    tell('This key is not registered in PDE: give its public key to the operator of PDE.');
    return;
  }
  signer = { key: read.key, kid: read.kid, organisation: found.organisation, entry: found.entry };
  setText(byId('sign-organisation'), 'Signing as {name}.', { name: found.organisation.name });
}

/** Wire the panel: the key file's chooser, and the issue date (today by default). */
export function setUpSigning() {
  byId('sign-date').value = today();
  byId('sign-key').addEventListener('change', chooseKey);
}

/**
 * Whether a chosen key can sign now; says why not on the panel.
 * @returns {boolean} true when there is no key (nothing to sign) or it can sign
 */
export function signingReady() {
  if (!signer) return true;
  const day = byId('sign-date').value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !usableOn(signer.entry, day)) {
    setText(byId('sign-error'), 'This key cannot sign on this date: it is revoked or not valid then.');
    return false;
  }
  setText(byId('sign-error'), '');
  return true;
}

/**
 * Sign `file` with what its metadata declares, if a key was chosen: metadata gets
 * `date` and `issued` (the compact JWS).
 * @param {File} file
 * @param {{title: string, type: string}} metadata
 */
export async function signInto(file, metadata) {
  if (!signer) return;
  const date = byId('sign-date').value;
  const contentSha256 = await pde.sha256(new Uint8Array(await file.arrayBuffer()));
  metadata.date = date;
  metadata.issued = await pde.signIssued(signer.key, {
    organisationId: signer.organisation.id,
    kid: signer.kid,
    title: metadata.title,
    type: metadata.type,
    date,
    contentSha256,
  });
}

/** Forget the key (leaving the page, or after sending). */
export function forgetKey() {
  signer = null;
  byId('sign-key').value = '';
  setText(byId('sign-organisation'), '');
}
