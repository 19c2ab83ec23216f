"""PDE's encryption format, version 1: the Python reference implementation.

Pure functions over bytes and file-like objects; no web framework, no
database. `crypto/FORMAT.md` is the specification, `crypto/web/` the browser
implementation, `crypto/vectors/` the known answers both are tested against.
"""

from crypto.encoding import b64u_decode, b64u_encode, decode_code, encode_code
from crypto.errors import (
    CryptoError,
    DecryptionError,
    InvalidCode,
    InvalidEncoding,
    MetadataTooLarge,
    UnsupportedVersion,
)
from crypto.keys import (
    DepositKeyPair,
    LoginKeys,
    RecoveryKeys,
    derive_login_keys,
    derive_recovery_keys,
    new_deposit_key_pair,
    new_key,
    unwrap_deposit_private_key,
    unwrap_document_key,
    unwrap_master_key,
    unwrap_master_key_for_recovery,
    wrap_deposit_private_key,
    wrap_document_key,
    wrap_master_key,
    wrap_master_key_for_recovery,
)
from crypto.metadata import (
    decrypt_deposit_metadata,
    decrypt_metadata,
    encrypt_deposit_metadata,
    encrypt_metadata,
)
from crypto.seal import open_deposit_document_key, seal_deposit_document_key
from crypto.share import (
    ShareKeys,
    access_token_hash,
    access_token_matches,
    decrypt_share_info,
    decrypt_share_metadata,
    derive_share_keys,
    encrypt_share_info,
    encrypt_share_metadata,
    format_share_link,
    new_id,
    parse_share_link,
    unwrap_document_key_from_share,
    wrap_document_key_for_share,
)
from crypto.stream import (
    ciphertext_size,
    decrypt_chunks,
    decrypt_stream,
    encrypt_chunks,
    encrypt_stream,
)

__all__ = [
    "CryptoError",
    "DecryptionError",
    "DepositKeyPair",
    "InvalidCode",
    "InvalidEncoding",
    "LoginKeys",
    "MetadataTooLarge",
    "RecoveryKeys",
    "ShareKeys",
    "UnsupportedVersion",
    "access_token_hash",
    "access_token_matches",
    "b64u_decode",
    "b64u_encode",
    "ciphertext_size",
    "decode_code",
    "decrypt_chunks",
    "decrypt_deposit_metadata",
    "decrypt_metadata",
    "decrypt_share_info",
    "decrypt_share_metadata",
    "decrypt_stream",
    "derive_login_keys",
    "derive_recovery_keys",
    "derive_share_keys",
    "encode_code",
    "encrypt_chunks",
    "encrypt_deposit_metadata",
    "encrypt_metadata",
    "encrypt_share_info",
    "encrypt_share_metadata",
    "encrypt_stream",
    "format_share_link",
    "new_deposit_key_pair",
    "new_id",
    "new_key",
    "open_deposit_document_key",
    "parse_share_link",
    "seal_deposit_document_key",
    "unwrap_deposit_private_key",
    "unwrap_document_key",
    "unwrap_document_key_from_share",
    "unwrap_master_key",
    "unwrap_master_key_for_recovery",
    "wrap_deposit_private_key",
    "wrap_document_key",
    "wrap_document_key_for_share",
    "wrap_master_key",
    "wrap_master_key_for_recovery",
]
