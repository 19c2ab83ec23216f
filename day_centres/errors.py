"""What a staff page can answer instead of what was asked. Each error carries its
HTTP status, a stable code and an English message that is also its message id in
the staff catalogs (pages/locales), so the page shows it translated."""

from __future__ import annotations


class StaffError(Exception):
    """Base of the staff side's errors; `message` is an English catalog message id."""

    status = 400
    code = "bad_request"
    message = "This request could not be handled."

    def __init__(self, message: str | None = None, *, field: str = "") -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.field = field


class LoginRequired(StaffError):
    """No staff session, or one that ended: the page sends the person to the login.
    A live session at another stage of the login is sent to that stage's page
    (`page`: "code", "enrol", or "" for the home page of a full session)."""

    status, code, message = 401, "staff_login_required", "Please log in."

    def __init__(self, page: str = "login") -> None:
        super().__init__()
        self.page = page


class StaffForbidden(StaffError):
    """The page exists but not for this role (or this centre)."""

    status, code, message = 403, "staff_forbidden", "This page is not open to your role."


class StaffNotFound(StaffError):
    """No such page, centre or account (or not one this person may see)."""

    status, code, message = 404, "staff_not_found", "This page does not exist."


class FormExpired(StaffError):
    """A form without its session's anti-forgery token, or sent from another site."""

    status, code, message = (
        403,
        "staff_form_expired",
        "This form has expired. Go back, reload the page and try again.",
    )


class InvalidLogin(StaffError):
    """Wrong name or password; deliberately does not say which."""

    status, code, message = 401, "staff_invalid_login", "This name or password is not right."


class AccountDisabled(StaffError):
    """The password was right, but the account was disabled by an operator."""

    status, code, message = (
        403,
        "staff_account_disabled",
        "This account is disabled. Ask the operator of PDE.",
    )


class WrongCode(StaffError):
    """A TOTP code or recovery code that is not right, or was already used."""

    status, code, message = 401, "staff_wrong_code", "This code is not right, or was already used."


class TooManyAttempts(StaffError):
    """Too many wrong passwords or codes: wait for the window to pass."""

    status, code, message = 429, "staff_rate_limited", "Too many attempts. Please wait 15 minutes."


class WrongEnrolmentCode(StaffError):
    """A terminal's enrolment code that is not right, has ended (10 minutes) or was used."""

    status, code, message = (
        400,
        "terminal_wrong_code",
        "This code is not right, has ended or was already used. Ask for a new code.",
    )


class ServiceUnavailable(StaffError):
    """The shared rate limits cannot be counted: logins are refused rather than unlimited."""

    status, code, message = (
        503,
        "staff_unavailable",
        "The service is unavailable for a moment. Please try again in a few minutes.",
    )


class FormTooLarge(StaffError):
    """A form far larger than any staff form: refused before it is read."""

    status, code, message = 413, "staff_form_too_large", "This form is too large."


class FormInvalid(StaffError):
    """A form field breaks a rule; `field` names it, `message` says the rule."""

    status, code, message = 422, "staff_form_invalid", "Please check the form."


class NameTaken(FormInvalid):
    """Another staff account (or centre) already has this name."""

    message = "This name is already used."
