"""What a share link can answer instead of its documents. Each state has its own
stable code, so the viewer can show its own translated page for each."""

from __future__ import annotations

from wallet.errors import WalletError


class ShareNotFound(WalletError):
    """No share has this id: a mistyped or deleted link."""

    status, code, message = 404, "share_not_found", "This link does not exist."


class ShareExpired(WalletError):
    """The share is past the expiry its owner chose."""

    status, code, message = 410, "share_expired", "This link has expired."


class ShareRevoked(WalletError):
    """The owner took the share back."""

    status, code, message = 410, "share_revoked", "The owner has withdrawn this link."


class ShareUsedUp(WalletError):
    """Every opening the owner allowed has been used."""

    status, code, message = 410, "share_used_up", "This link has been opened as often as allowed."


class ShareLocked(WalletError):
    """Too many wrong PINs: the share is locked for good."""

    status, code, message = 423, "share_locked", "Too many wrong PINs: this link is locked."


class ShareSuspended(WalletError):
    """The service suspended the share after a report; `suspension_reason` says why.
    Opening it counts nothing; views already open end at once."""

    status, code, message = 403, "share_suspended", "This link was suspended by the service."


class ShareWrongAccess(WalletError):
    """A wrong PIN. `attempts_left` says how many tries remain."""

    status, code, message = 403, "share_wrong_access", "This PIN is not right."


class ShareLinkDamaged(WalletError):
    """The link's secret is not this share's: a mistyped or cut link, or a guess
    from someone who knows only the id. Never counted, never locks the share."""

    status, code, message = 403, "share_link_damaged", "This link is damaged or incomplete."


class ShareViewExpired(WalletError):
    """The viewer's token is unknown or too old: the link must be opened again."""

    status, code, message = 401, "share_view_expired", "Please open the link again."


class ShareLimit(WalletError):
    """A wallet's share limits (shares kept, documents per share) would be exceeded."""

    status, code, message = 413, "share_limit", "Too many shares. Delete old shares first."
