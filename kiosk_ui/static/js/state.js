// The one state object of the page. The session token and every key live
// here, in page memory only: never in storage, cookies or the URL. A reload
// or leaving the page forgets them.

export const state = {
  token: null,
  accountId: null,
  handle: null,
  /** The account salt (not secret), to check the current secret phrase. */
  accountSalt: null,
  /** True after a recovery-sheet login, until a new secret phrase is chosen. */
  mustChangePassphrase: false,
  /** True when this session opened with a wallet card, or made one: "My account" offers to stop it. */
  usesCard: false,
  masterKey: null,
  /** @type {Map<string, {id: string, key: Uint8Array, metadata: object, size: number, createdAt: string}>} */
  documents: new Map(),
  /** Object URLs of decrypted previews, revoked on wipe. */
  objectUrls: new Set(),
  /** Meeting mode (screens/meeting.js): {documentIds, accountSalt, wrappedMasterKey, triesLeft}, or null. */
  meeting: null,
};

/** Forget the session and overwrite every key this page holds. */
export function wipeState() {
  if (state.masterKey) state.masterKey.fill(0);
  for (const document of state.documents.values()) document.key.fill(0);
  for (const url of state.objectUrls) URL.revokeObjectURL(url);
  state.documents.clear();
  state.objectUrls.clear();
  state.token = null;
  state.accountId = null;
  state.handle = null;
  state.accountSalt = null;
  state.mustChangePassphrase = false;
  state.usesCard = false;
  state.masterKey = null;
  state.meeting = null;
}
