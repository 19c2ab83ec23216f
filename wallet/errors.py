"""Every error the API can answer with: a stable code, an HTTP status and a
plain message. Services raise these; `wallet.api.errors` turns them into
`{"error": {"code", "message"}}` at the boundary."""

from __future__ import annotations


class WalletError(Exception):
    """Base of the errors a client may see; `code` is stable, `message` is for people."""

    status = 400
    code = "bad_request"
    message = "The request could not be handled."

    def __init__(self, message: str | None = None, **details: object) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details


class InvalidRequest(WalletError):
    """A field is missing, malformed or out of range."""

    status, code, message = 422, "invalid_request", "The request is not valid."


class NotAuthenticated(WalletError):
    """No session, or one that ended, expired or was never valid."""

    status, code, message = 401, "not_authenticated", "Please log in again."


class InvalidCredentials(WalletError):
    """Wrong handle or passphrase; deliberately does not say which."""

    status, code, message = 401, "invalid_credentials", "This name or passphrase is not right."


class RateLimited(WalletError):
    """Too many attempts in a short time."""

    status, code, message = 429, "rate_limited", "Too many attempts. Please wait a few minutes."


class NotFound(WalletError):
    """Nothing with this id belongs to this wallet (or exists at all: no difference is shown)."""

    status, code, message = 404, "not_found", "This item does not exist."


class HandleTaken(WalletError):
    """The pseudonym is already used by another wallet."""

    status, code, message = 409, "handle_taken", "This name is already used. Choose another."


class AlreadyExists(WalletError):
    """A client-made id collides with an existing one."""

    status, code, message = 409, "already_exists", "This id is already used."


class PassphraseChangeRequired(WalletError):
    """Logged in with the recovery code: a new passphrase must be set first."""

    status, code, message = 403, "passphrase_change_required", "Please choose a new passphrase."


class DocumentTooLarge(WalletError):
    """The document is over the per-document limit."""

    status, code, message = 413, "document_too_large", "This document is too large."


class QuotaExceeded(WalletError):
    """The wallet's storage quota or document count would be exceeded."""

    status, code, message = 413, "quota_exceeded", "Your wallet is full. Delete something first."


class UploadOffsetMismatch(WalletError):
    """A part was sent for another offset than the next expected one."""

    status, code, message = 409, "upload_offset_mismatch", "The upload must resume elsewhere."


class UploadPartMissing(WalletError):
    """A direct upload's part was acknowledged before the object store held it: put it again."""

    status, code, message = 409, "upload_part_missing", "This part has not arrived. Send it again."


class DirectTransferOff(WalletError):
    """This server sends document content through itself, not on presigned URLs:
    use the `/content` routes."""

    status, code, message = (
        409,
        "direct_transfer_off",
        "Direct transfers are off on this server: send and fetch content through it.",
    )


class UploadIncomplete(WalletError):
    """Completion was asked before every declared byte arrived."""

    status, code, message = 409, "upload_incomplete", "The upload is not finished."


class UploadNotPending(WalletError):
    """The document's upload already completed."""

    status, code, message = 409, "upload_not_pending", "This upload is already finished."


class IntegrityMismatch(WalletError):
    """The uploaded bytes do not match the declared SHA-256: the upload is discarded."""

    status, code, message = 422, "integrity_mismatch", "The file arrived damaged. Please try again."


class RangeNotSatisfiable(WalletError):
    """An HTTP Range outside the document."""

    status, code, message = 416, "range_not_satisfiable", "This part of the file does not exist."


class StorageUnavailable(WalletError):
    """The blob store cannot be reached; nothing acknowledged was lost."""

    status, code, message = (
        503,
        "storage_unavailable",
        "Storage is unavailable. Nothing was lost; please try again later.",
    )


class DatabaseUnavailable(WalletError):
    """The database cannot be reached; nothing acknowledged was lost."""

    status, code, message = (
        503,
        "database_unavailable",
        "The service is unavailable. Nothing was lost; please try again later.",
    )


class LimitsUnavailable(WalletError):
    """The shared rate limits cannot be counted (Redis is unreachable): logins and
    share openings are refused rather than let a guesser try without limit."""

    status, code, message = (
        503,
        "limits_unavailable",
        "The service is unavailable for a moment. Please try again in a few minutes.",
    )


class NotReady(WalletError):
    """A part the server needs (database, object store, shared limits) cannot be
    reached: a load balancer should send requests to another replica."""

    status, code, message = 503, "not_ready", "Not ready: a part of the service cannot be reached."


class DepositNotFound(WalletError):
    """No deposit link has this id: a mistyped or deleted link."""

    status, code, message = 404, "deposit_not_found", "This deposit link does not exist."


class DepositClosed(WalletError):
    """The deposit link expired, was withdrawn, or took all the files it allowed."""

    status, code, message = 410, "deposit_closed", "This deposit link is closed."


class DepositSuspended(WalletError):
    """The service suspended the deposit link after a report; `suspension_reason` says
    why. Nothing can be sent through it until the suspension is lifted."""

    status, code, message = (
        403,
        "deposit_suspended",
        "This deposit link was suspended by the service. Nothing can be sent through it.",
    )


class DepositPendingLimit(WalletError):
    """The files started through this link and not yet sent hold as much space as a
    link may hold: finish (or let expire) those first."""

    status, code, message = (
        413,
        "deposit_pending_limit",
        "Files started through this link are not finished yet. Finish sending them first.",
    )


class DepositLimit(WalletError):
    """The wallet keeps as many deposit links as allowed."""

    status, code, message = 413, "deposit_limit", "Too many deposit links. Delete old ones first."


class RecoveryNotReady(WalletError):
    """A recovery through trustees before its delay is over, or cancelled by the owner."""

    status, code, message = (
        409,
        "recovery_not_ready",
        "This recovery is not open: it is still waiting, or the owner cancelled it.",
    )
