// The wallet's journeys in the right order of crypto and API calls (the same
// order as wallet/client.py): keys are made and opened here, the server sees
// only wrapped keys, sealed metadata and ciphertext.
import * as pde from '/static/crypto/pde-crypto.js';
import * as api from './api.js';
import { state, viewKey, wipeState } from './state.js';
import { directPut, sealFile, sendParts } from './upload.js';

const b64 = pde.b64uEncode;
const unb64 = pde.b64uDecode;

/** Keep a login's answer (any way of logging in) and the master key for this session. */
export function takeSession(answer, masterKey) {
  state.token = answer.session_token;
  state.accountId = answer.account.account_id;
  state.handle = answer.account.handle;
  state.accountSalt = unb64(answer.account.account_salt);
  state.mustChangePassphrase = answer.account.must_change_passphrase;
  state.transfer = answer.account.transfer === 'direct' ? 'direct' : 'server';
  state.masterKey = masterKey;
}

/**
 * Create a wallet: every key is made in this page. Returns the recovery code to print.
 * @returns {Promise<string>}
 */
export async function createWallet(handle, passphrase) {
  const accountId = pde.newId();
  const salt = pde.newAccountSalt();
  const masterKey = pde.newKey();
  const recoveryKey = pde.newCodeSecret();
  const login = await pde.deriveLoginKeys(passphrase, salt);
  const recovery = await pde.deriveRecoveryKeys(recoveryKey, salt);
  const deposit = await pde.newDepositKeyPair();
  const answer = await api.register({
    account_id: accountId,
    handle,
    account_salt: b64(salt),
    auth_key: b64(login.authKey),
    recovery_auth: b64(recovery.recoveryAuth),
    wrapped_master_key: b64(await pde.wrapMasterKey(login.kek, masterKey, accountId)),
    wrapped_master_key_recovery: b64(
      await pde.wrapMasterKeyForRecovery(recovery.recoveryKek, masterKey, accountId),
    ),
    deposit_public_key: b64(deposit.publicKey),
    wrapped_deposit_private_key: b64(
      await pde.wrapDepositPrivateKey(masterKey, deposit.privateKey, accountId),
    ),
  });
  deposit.privateKey.fill(0);
  takeSession(answer, masterKey);
  const code = await pde.encodeCode(recoveryKey);
  recoveryKey.fill(0);
  return code;
}

/**
 * Log in and open the master key; ApiError 'invalid_credentials' when wrong.
 * With a wallet card, `passphrase` is its PIN and `card` its 16-byte secret.
 */
export async function logIn(handle, passphrase, card = undefined) {
  const { account_salt: salt } = await api.loginStart(handle);
  const keys = await pde.deriveLoginKeys(passphrase, unb64(salt), card);
  const answer = await api.login(handle, b64(keys.authKey));
  const { account } = answer;
  const masterKey = await pde.unwrapMasterKey(
    keys.kek,
    unb64(account.wrapped_master_key),
    account.account_id,
  );
  takeSession(answer, masterKey);
  state.usesCard = Boolean(card);
}

/**
 * Log in with the recovery sheet's code; the wallet then needs a new secret
 * phrase (changePassphrase(null, …)) before anything else.
 * Throws pde.InvalidCode for a mistyped code, ApiError 'invalid_credentials' when wrong.
 */
export async function logInWithRecovery(handle, code) {
  const recoveryKey = await pde.decodeCode(code);
  const { account_salt: salt } = await api.loginStart(handle);
  const keys = await pde.deriveRecoveryKeys(recoveryKey, unb64(salt));
  recoveryKey.fill(0);
  const answer = await api.loginWithRecovery(handle, b64(keys.recoveryAuth));
  const { account } = answer;
  const masterKey = await pde.unwrapMasterKeyForRecovery(
    keys.recoveryKek,
    unb64(account.wrapped_master_key_recovery),
    account.account_id,
  );
  takeSession(answer, masterKey);
  state.mustChangePassphrase = true;
}

/**
 * Re-wrap the master key held in this page under a new secret phrase (same
 * account salt); `current` is null right after a recovery login. Documents are untouched.
 * A wallet card goes with either side: `currentCard` to prove the old secrets,
 * `nextCard` to make a card (then `next` is its PIN); none means a passphrase alone.
 */
export async function changePassphrase(current, next, { currentCard, nextCard } = {}) {
  const body = {};
  if (current !== null) {
    const old = await pde.deriveLoginKeys(current, state.accountSalt, currentCard);
    body.current_auth_key = b64(old.authKey);
  }
  // The salt stays: the recovery sheet's keys are derived from it (FORMAT.md §4).
  const salt = state.accountSalt;
  const keys = await pde.deriveLoginKeys(next, salt, nextCard);
  await api.changePassphrase({
    ...body,
    account_salt: b64(salt),
    auth_key: b64(keys.authKey),
    wrapped_master_key: b64(await pde.wrapMasterKey(keys.kek, state.masterKey, state.accountId)),
  });
  state.accountSalt = salt;
  state.mustChangePassphrase = false;
  state.usesCard = Boolean(nextCard);
}

/** Erase the wallet and every document for good, then forget the page's keys. */
export async function eraseWallet(confirmHandle) {
  await api.eraseAccount(confirmHandle);
  wipeState(); // the server ended every session: nothing to log out
}

/** End the session on the server (which sends Clear-Site-Data) and wipe the page's state. */
export async function logOut() {
  const { token } = state;
  wipeState();
  if (!token) return;
  try {
    await api.logout(token);
  } catch {
    // offline or already expired: the session ends by itself on the server
  }
}

async function openDocument(item) {
  const key = await pde.unwrapDocumentKey(
    viewKey(),
    unb64(item.wrapped_key),
    state.accountId,
    item.document_id,
  );
  const metadata = await pde.decryptMetadata(
    key,
    unb64(item.metadata),
    state.accountId,
    item.document_id,
  );
  return { id: item.document_id, key, metadata, size: item.size, createdAt: item.created_at };
}

/** Fetch and decrypt the metadata of every document into the state; newest first. */
export async function loadDocuments() {
  const items = await api.listDocuments();
  const opened = await Promise.all(items.map(openDocument));
  for (const old of state.documents.values()) old.key.fill(0);
  state.documents.clear();
  opened.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  for (const document of opened) state.documents.set(document.id, document);
  return opened;
}

/**
 * Encrypt `file` here, declare it, upload it in parts, and make it visible.
 * `onProgress(phase, done, total)` reports "lock" (encrypting) and "send" (acknowledged bytes).
 */
export async function addDocument(file, metadata, partBytes, { onProgress, onRetry }) {
  const id = pde.newId();
  const key = pde.newKey();
  const { sealed, sha256 } = await sealFile(file, key, id, (done, total) => onProgress('lock', done, total));
  const fullMetadata = { ...metadata, size: file.size };
  const status = await api.declareDocument({
    document_id: id,
    wrapped_key: b64(await pde.wrapDocumentKey(viewKey(), key, state.accountId, id)),
    metadata: b64(await pde.encryptMetadata(key, fullMetadata, state.accountId, id)),
    size: sealed.size,
    sha256: b64(sha256),
  });
  onProgress('send', 0, sealed.size);
  const direct = status.transfer === 'direct';
  // Direct parts are the server's fixed size; through the API, the page's may be smaller.
  const part = direct ? status.part_max_bytes : Math.min(partBytes, status.part_max_bytes);
  const transport = {
    put: direct
      ? directPut({
          partUrl: (body) => api.partUrl(id, body),
          acknowledge: (offset) => api.acknowledgePart(id, offset),
        })
      : (offset, bytes) => api.putPart(id, offset, bytes),
    status: () => api.uploadStatus(id),
    isRetryable: api.isRetryable,
  };
  await sendParts(sealed, part, transport, {
    onProgress: (done, total) => onProgress('send', done, total),
    onRetry,
  });
  await api.completeDocument(id);
  key.fill(0);
  return id;
}

/** The decrypted content of a document, as a Blob of the given (safe) type. */
export async function documentContent(id, type) {
  const document = state.documents.get(id);
  const sealed = await api.documentContent(id);
  return pde.decryptBlob(sealed, document.key, id, { type });
}

/** Replace a document's metadata (rename, re-categorise), sealed again under its key. */
export async function updateMetadata(id, changes) {
  const document = state.documents.get(id);
  const metadata = { ...document.metadata, ...changes };
  for (const [name, value] of Object.entries(metadata)) {
    if (value === null || value === '') delete metadata[name];
  }
  const box = await pde.encryptMetadata(document.key, metadata, state.accountId, id);
  await api.updateDocument(id, b64(box));
  document.metadata = metadata;
  return document;
}

/** Delete a document for good. */
export async function deleteDocument(id) {
  await api.deleteDocument(id);
  const document = state.documents.get(id);
  if (document) document.key.fill(0);
  state.documents.delete(id);
}
