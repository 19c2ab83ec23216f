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
  /** How document content travels, from the login answer: 'server' (through the API) or 'direct' (the object store). */
  transfer: 'server',
  /** True when this session opened with a wallet card, or made one: "My account" offers to stop it. */
  usesCard: false,
  masterKey: null,
  /** The open hidden compartment (FORMAT.md §4.1): {token: base64url, key}, or null for the normal view. */
  compartment: null,
  /** @type {Map<string, {id: string, key: Uint8Array, metadata: object, size: number, createdAt: string}>} */
  documents: new Map(),
  /** Object URLs of decrypted previews, revoked on wipe. */
  objectUrls: new Set(),
  /** Meeting mode (screens/meeting.js): {documentIds, accountSalt, wrappedMasterKey, triesLeft}, or null. */
  meeting: null,
};

/** The key that wraps document keys and share records in the open view: the
 * compartment's key takes the master key's place while a compartment is open. */
export const viewKey = () => (state.compartment ? state.compartment.key : state.masterKey);

/** Back to the normal view: the compartment's key and its documents' keys are overwritten. */
export function forgetCompartment() {
  if (state.compartment) state.compartment.key.fill(0);
  state.compartment = null;
  for (const document of state.documents.values()) document.key.fill(0);
  state.documents.clear();
}

/** Forget the session and overwrite every key this page holds. */
export function wipeState() {
  forgetCompartment();
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
  state.transfer = 'server';
  state.usesCard = false;
  state.masterKey = null;
  state.meeting = null;
}
