// Making and reading shares (crypto/FORMAT.md §6, docs/shares.md) in the
// order of wallet.js: the link's secret and the PIN are made and kept in this
// page; the server gets the hashes of the link and access tokens, wrapped keys and boxes.
import * as pde from '/static/crypto/pde-crypto.js';
import * as api from './api.js';
import { state, viewKey } from './state.js';

const b64 = pde.b64uEncode;

/** Metadata fields the owner may choose to send; the rest never enter a share. */
export const SHAREABLE_FIELDS = ['title', 'type', 'date', 'issuer', 'file_name'];
/** Fields that always travel: the worker's page needs them to show and save the file,
 * and to check an issued document's signature (crypto/FORMAT.md §7.3). */
const ALWAYS_SENT = ['media_type', 'size', 'issued'];
export const PIN_PATTERN = /^\d{4,8}$/;
const PIN_DIGITS = 6;

/**
 * A PIN as digits 0-9: NFKC, and Arabic-Indic digits read as the digits they are,
 * so that the PIN said aloud is the PIN typed.
 */
export function normalizePin(text) {
  return text
    .normalize('NFKC')
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/\s+/g, '');
}

/** A random PIN of six digits (uniform: rejection of the biased top of the range). */
export function makePin() {
  const limit = 10 ** PIN_DIGITS;
  const bound = Math.floor(2 ** 32 / limit) * limit;
  const word = new Uint32Array(1);
  crypto.getRandomValues(word);
  while (word[0] >= bound) crypto.getRandomValues(word);
  return String(word[0] % limit).padStart(PIN_DIGITS, '0');
}

/** Only the chosen fields of a document's metadata, plus what always travels. */
export function chosenMetadata(metadata, fields) {
  const chosen = {};
  for (const name of [...fields.filter((f) => SHAREABLE_FIELDS.includes(f)), ...ALWAYS_SENT]) {
    if (metadata[name] !== undefined && metadata[name] !== null && metadata[name] !== '') {
      chosen[name] = metadata[name];
    }
  }
  return chosen;
}

/** The link of a share, from its id and its secret (bytes or base64url). */
export function shareLink(shareId, secret) {
  const bytes = typeof secret === 'string' ? pde.b64uDecode(secret) : secret;
  return pde.formatShareLink(window.location.origin, shareId, bytes);
}

/**
 * Make a share of `documents` ([{id, fields}]) for `recipient` and `purpose`, from
 * `sender` (the name the worker sees, '' for none), open for `expiresIn` seconds,
 * `maxOpens` times (null: no limit), behind `pin` ('' for none).
 * Returns what the owner needs to hand it over: {shareId, link, pin, recipient, purpose, expiresAt}.
 */
export async function makeShare({ documents, recipient, purpose, sender = '', expiresIn, maxOpens, pin }) {
  const shareId = pde.newId();
  const secret = pde.newShareSecret();
  const { shareKey, linkToken, accessToken } = await pde.deriveShareKeys(secret, shareId, pin);
  const items = [];
  for (const { id, fields } of documents) {
    const document = state.documents.get(id);
    // document.key was unwrapped with the open view's key when the list was loaded (wallet.js).
    items.push({
      document_id: id,
      wrapped_key: b64(await pde.wrapDocumentKeyForShare(shareKey, document.key, shareId, id)),
      metadata: b64(
        await pde.encryptShareMetadata(shareKey, chosenMetadata(document.metadata, fields), shareId, id),
      ),
    });
  }
  const record = { secret: b64(secret), pin, recipient, purpose };
  const share = await api.createShare({
    share_id: shareId,
    access_hash: b64(await pde.sha256(accessToken)),
    link_hash: b64(await pde.sha256(linkToken)),
    pin: pin !== '',
    expires_in: expiresIn,
    max_opens: maxOpens,
    info: b64(await pde.encryptShareInfo(shareKey, { recipient, purpose, from: sender }, shareId)),
    owner_record: b64(await pde.encryptShareOwnerRecord(viewKey(), record, state.accountId, shareId)),
    documents: items,
  });
  shareKey.fill(0);
  accessToken.fill(0);
  linkToken.fill(0);
  const link = shareLink(shareId, secret);
  secret.fill(0);
  return {
    shareId,
    link,
    pin,
    recipient,
    purpose,
    expiresAt: share.expires_at,
    documentIds: documents.map((d) => d.id),
  };
}

/**
 * Every share of the wallet, newest first, each with its owner record opened:
 * `record` is {secret, pin, recipient, purpose}, or null if it cannot be opened.
 */
export async function loadShares() {
  const shares = await api.listShares();
  return Promise.all(
    shares.map(async (share) => {
      let record = null;
      try {
        record = await pde.decryptShareOwnerRecord(
          viewKey(),
          pde.b64uDecode(share.owner_record),
          state.accountId,
          share.share_id,
        );
      } catch {
        // a damaged record: the share is still listed, and can be revoked
      }
      return { ...share, record };
    }),
  );
}
