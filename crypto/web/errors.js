/**
 * The errors the browser crypto raises (FORMAT.md §10). Each has a stable
 * `code`, equal to the Python implementation's (`crypto/errors.py`), and says
 * what went wrong for the caller, never which byte or check failed.
 * @module errors
 */

/** Base class of every error raised by the PDE crypto modules. */
export class CryptoError extends Error {
  /**
   * @param {string} message human-readable explanation
   * @param {string} code stable machine-readable code
   */
  constructor(message, code = 'crypto_error') {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A ciphertext did not authenticate: wrong key, wrong associated data,
 * tampering, truncation, reordering or bad padding. Deliberately one error.
 */
export class DecryptionError extends CryptoError {
  /** @param {string} [message] */
  constructor(message = 'ciphertext does not authenticate') {
    super(message, 'decryption_failed');
  }
}

/** The first byte (or the stream magic) names a format this code does not know. */
export class UnsupportedVersion extends CryptoError {
  /** @param {string} [message] */
  constructor(message = 'unsupported format version') {
    super(message, 'unsupported_version');
  }
}

/** Metadata JSON does not fit in the largest padding bucket (65,536 bytes). */
export class MetadataTooLarge extends CryptoError {
  /** @param {string} [message] */
  constructor(message = 'metadata too large') {
    super(message, 'metadata_too_large');
  }
}

/** A recovery code or card code has a wrong character, length or check byte. */
export class InvalidCode extends CryptoError {
  /** @param {string} [message] */
  constructor(message = 'code does not check') {
    super(message, 'invalid_code');
  }
}

/** Text that should be unpadded base64url (or a share link) is not. */
export class InvalidEncoding extends CryptoError {
  /** @param {string} [message] */
  constructor(message = 'not unpadded base64url') {
    super(message, 'invalid_encoding');
  }
}

/**
 * Trustee shares that cannot give a secret: of different splits, one given twice,
 * fewer than the split's threshold, malformed, or one of them wrong or changed.
 */
export class InvalidShare extends CryptoError {
  /** @param {string} [message] */
  constructor(message = 'the shares do not combine') {
    super(message, 'invalid_share');
  }
}
