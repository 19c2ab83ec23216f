"""Staff accounts' own settings (`PDE_STAFF_*`) and the operator's
(`PDE_OPERATOR_*`), added to the core's: pde.settings.Settings is every
package's settings in one object."""

from __future__ import annotations

from pydantic import Field

from wallet.settings import UnsafeSettings, WalletSettings


class StaffSettings(WalletSettings):
    """Sessions and lockouts of staff logins; docs/deployment.md explains each."""

    staff_session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    staff_session_absolute_hours: int = Field(default=12, ge=1, le=24 * 7)
    # Failed passwords per staff name from one address, from every address, and per address.
    staff_login_attempts_per_name: int = Field(default=10, ge=1)
    staff_login_attempts_per_name_any_address: int = Field(default=100, ge=1)
    staff_login_attempts_per_client: int = Field(default=50, ge=1)
    # Wrong TOTP or recovery codes per account: six digits must not be guessable.
    staff_code_attempts: int = Field(default=5, ge=1, le=20)
    staff_login_window_minutes: int = Field(default=15, ge=1)


# What a placeholder says: development runs with them, production refuses them.
PLACEHOLDER = "[placeholder] "


class OperatorSettings(WalletSettings):
    """Who runs PDE (`PDE_OPERATOR_*`): the data controller the privacy notice names
    (GDPR art. 13), and the limit on anonymous feedback. Development runs with
    placeholders that say so; `check_production` refuses them."""

    operator_name: str = PLACEHOLDER + "Name of the organisation that runs PDE"
    operator_address: str = PLACEHOLDER + "Street and number, postcode and town"
    operator_contact: str = PLACEHOLDER + "E-mail address or phone number for questions"
    operator_dpo_contact: str = PLACEHOLDER + "Data protection officer's e-mail address"
    # How long backups keep what the server holds (the notice states it): set it to
    # what your backups' rotation really does.
    operator_backup_days: int = Field(default=30, ge=1)
    # Feedback given from one address (a centre's terminals may share one) per hour.
    feedback_per_client_per_hour: int = Field(default=30, ge=1)

    def operator_problems(self) -> list[str]:
        """The operator's details still missing or left as placeholders."""
        fields = {
            "PDE_OPERATOR_NAME": self.operator_name,
            "PDE_OPERATOR_ADDRESS": self.operator_address,
            "PDE_OPERATOR_CONTACT": self.operator_contact,
            "PDE_OPERATOR_DPO_CONTACT": self.operator_dpo_contact,
        }
        return [
            f"{name} must be set (the privacy notice names who runs PDE)"
            for name, value in fields.items()
            if not value.strip() or value.startswith(PLACEHOLDER)
        ]

    def check_production(self) -> None:
        """The core's checks, and the operator's details: a notice without them is unlawful."""
        problems = self.operator_problems() if self.environment == "production" else []
        try:
            super().check_production()
        except UnsafeSettings as unsafe:
            raise UnsafeSettings("; ".join([str(unsafe), *problems])) from None
        if problems:
            raise UnsafeSettings("unsafe production settings: " + "; ".join(problems))
    # Enrolment codes for terminals: wrong codes per address and from everyone in
    # the login window, and codes a staff member may ask for in an hour.
    terminal_code_attempts_per_client: int = Field(default=10, ge=1)
    terminal_code_attempts_total: int = Field(default=200, ge=1)
    terminal_codes_per_staff_per_hour: int = Field(default=20, ge=1)
