/**
 * The public API of PDE's browser crypto: the format of crypto/FORMAT.md on
 * WebCrypto, with no dependencies and no build step. Import this module only:
 *
 *   import { deriveLoginKeys, decryptChunks } from '/static/crypto/pde-crypto.js';
 *
 * Byte strings are Uint8Array; identifiers are their 22-character base64url
 * text. Functions that make randomness accept it injected in an options
 * object, for known-answer tests. Names and argument orders follow the Python
 * implementation (crypto/*.py) in camelCase.
 * @module pde-crypto
 */

export {
  CryptoError,
  DecryptionError,
  InvalidCode,
  InvalidEncoding,
  InvalidShare,
  MetadataTooLarge,
  UnsupportedVersion,
} from './errors.js';
export { b64uDecode, b64uEncode, decodeCode, encodeCode, fromUtf8, utf8 } from './encoding.js';
export { ad, hkdf, openBox, pbkdf2, randomBytes, sealBox, sha256 } from './primitives.js';
export {
  deriveCompartmentKeys,
  deriveLoginKeys,
  deriveRecoveryKeys,
  newAccountSalt,
  newCodeSecret,
  newId,
  newKey,
  normalizeSecretText,
  unwrapDepositPrivateKey,
  unwrapDocumentKey,
  unwrapMasterKey,
  unwrapMasterKeyForRecovery,
  wrapDepositPrivateKey,
  wrapDocumentKey,
  wrapMasterKey,
  wrapMasterKeyForRecovery,
} from './keys.js';
export {
  ISSUED_STATUSES,
  importOrgPrivateKey,
  orgKeyId,
  readIssued,
  signIssued,
  verifyIssued,
} from './issued.js';
export {
  decryptDepositLinkInfo,
  depositLinkPublicKey,
  encryptDepositLinkInfo,
  formatDepositLink,
  parseDepositLink,
} from './links.js';
export {
  decryptDepositMetadata,
  decryptMetadata,
  deriveMetadataKey,
  encryptDepositMetadata,
  encryptDepositLinkRecord,
  decryptDepositLinkRecord,
  encryptMetadata,
  pad,
  unpad,
} from './metadata.js';
export {
  SEGMENT_BYTES,
  ciphertextSize,
  decryptBlob,
  decryptChunks,
  deriveFileKey,
  encryptBlob,
  encryptChunks,
  plaintextSize,
} from './stream.js';
export {
  decryptShareInfo,
  decryptShareMetadata,
  decryptShareOwnerRecord,
  deriveShareKeys,
  encryptShareInfo,
  encryptShareMetadata,
  encryptShareOwnerRecord,
  formatShareLink,
  newShareSecret,
  normalizePin,
  parseShareLink,
  unwrapDocumentKeyFromShare,
  wrapDocumentKeyForShare,
} from './share.js';
export {
  newDepositKeyPair,
  openDepositDocumentKey,
  openSealed,
  openTrusteeShare,
  sealDepositDocumentKey,
  sealToPublicKey,
  sealTrusteeShare,
  trusteeShareAd,
} from './seal.js';
export {
  combineShares,
  gfInv,
  gfMul,
  makeShare,
  shareFromBytes,
  shareFromText,
  shareToBytes,
  shareToText,
  splitSecret,
} from './shamir.js';
export {
  decryptTrusteeRecord,
  deriveRequestKeys,
  deriveTrusteeKeys,
  encryptTrusteeRecord,
  openReleasedShare,
  sealReleasedShare,
  unwrapMasterKeyForTrustees,
  wrapMasterKeyForTrustees,
} from './trustees.js';
