// Deposit links and the inbox (crypto/FORMAT.md §7, docs/deposits.md) in the
// order of wallet.js: the link's label and secret are sealed under the master
// key for the owner; the link's fragment carries the secret (never sent to the
// server), which opens the link's info box (the label and the wallet's deposit
// public key) for whoever holds the link; a deposited file's key is unsealed
// here with the deposit private key, which is unwrapped only for that and
// zeroed after.
import * as pde from '/static/crypto/pde-crypto.js';
import * as api from './api.js';
import { state } from './state.js';

const b64 = pde.b64uEncode;
const unb64 = pde.b64uDecode;

/** The wallet's deposit keys as the server holds them (public, and private wrapped). */
let depositKeys = null;

async function loadDepositKeys() {
  if (depositKeys?.accountId !== state.accountId) {
    const account = await api.getAccount();
    depositKeys = {
      accountId: state.accountId,
      publicKey: unb64(account.deposit_public_key),
      wrappedPrivateKey: unb64(account.wrapped_deposit_private_key),
    };
  }
  return depositKeys;
}

/**
 * `${origin}/d/<id>#<b64u(0x02 ‖ secret)>` (FORMAT.md §7) of a link whose opened
 * record is `record`; null for a link made before links carried a secret.
 */
export function depositLink(depositId, record) {
  if (typeof record?.secret !== 'string' || !record.secret) return null;
  return pde.formatDepositLink(window.location.origin, depositId, unb64(record.secret));
}

async function openRecord(link) {
  try {
    const box = unb64(link.label);
    return await pde.decryptDepositLinkRecord(state.masterKey, box, state.accountId, link.deposit_id);
  } catch (error) {
    if (error instanceof pde.CryptoError) return null; // not sealed by this wallet: shown without a label
    throw error;
  }
}

/**
 * Open a deposit link named `label` for `expiresIn` seconds and `maxFiles` files.
 * Returns the server's answer with its `record` ({label, secret}) and `url`.
 */
export async function createDepositLink({ label, expiresIn, maxFiles }) {
  const depositId = pde.newId();
  const secret = pde.randomBytes(16);
  const record = { label, secret: b64(secret) };
  const { publicKey } = await loadDepositKeys();
  const info = { label, public_key: b64(publicKey) };
  const link = await api.createDepositLink({
    deposit_id: depositId,
    expires_in: expiresIn,
    max_files: maxFiles,
    label: b64(await pde.encryptDepositLinkRecord(state.masterKey, record, state.accountId, depositId)),
    info: b64(await pde.encryptDepositLinkInfo(secret, info, depositId)),
  });
  const url = depositLink(depositId, record);
  secret.fill(0);
  return { ...link, record, url };
}

/** Every deposit link of the wallet, newest first, each with its opened `record`. */
export async function loadDepositLinks() {
  const links = await api.listDepositLinks();
  return Promise.all(links.map(async (link) => ({ ...link, record: await openRecord(link) })));
}

async function openDeposit(item, privateKey, publicKey) {
  const base = { id: item.document_id, depositId: item.deposit_id, size: item.size, createdAt: item.created_at };
  try {
    const sealed = unb64(item.sealed_key);
    const key = await pde.openDepositDocumentKey(privateKey, sealed, item.deposit_id, item.document_id, {
      recipientPublic: publicKey,
    });
    const box = unb64(item.metadata);
    const metadata = await pde.decryptDepositMetadata(key, box, item.deposit_id, item.document_id);
    return { ...base, key, metadata };
  } catch (error) {
    if (error instanceof pde.CryptoError) return { ...base, key: null, metadata: null }; // can only be rejected
    throw error;
  }
}

/** The deposited files waiting in the inbox, oldest first, opened in this page. */
export async function loadInbox() {
  const items = await api.listInbox();
  if (!items.length) return [];
  const { publicKey, wrappedPrivateKey } = await loadDepositKeys();
  const privateKey = await pde.unwrapDepositPrivateKey(state.masterKey, wrappedPrivateKey, state.accountId);
  try {
    return await Promise.all(items.map((item) => openDeposit(item, privateKey, publicKey)));
  } finally {
    privateKey.fill(0);
  }
}

/** Make a deposited file one of the wallet's documents: its key re-wrapped, its metadata re-sealed. */
export async function acceptDeposit(deposit) {
  const { id, key } = deposit;
  await api.acceptDeposit(id, {
    wrapped_key: b64(await pde.wrapDocumentKey(state.masterKey, key, state.accountId, id)),
    metadata: b64(await pde.encryptMetadata(key, deposit.metadata, state.accountId, id)),
  });
  forgetDeposit(deposit);
}

/** Delete a deposited file for good. */
export async function rejectDeposit(deposit) {
  await api.rejectDeposit(deposit.id);
  forgetDeposit(deposit);
}

/** Zero a deposited file's key once it is no longer needed here. */
export function forgetDeposit(deposit) {
  deposit.key?.fill(0);
  deposit.key = null;
}
