"""deploy/terminal-policy.json, the Chrome/Chromium policies of a public terminal
(docs/day-centres.md, "Setting up a terminal"): it parses, holds exactly the
policies below, each a name of Chromium's policy list (checked against
components/policy/resources/templates/policies.yaml) with the type Chromium
expects, and the values a shared computer needs: no passwords, forms or
downloads kept, nothing but PDE reachable, nothing that would wipe the
terminal's own credential (its cookie) at each restart."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

POLICY_FILE = Path(__file__).resolve().parents[2] / "deploy" / "terminal-policy.json"
PLACEHOLDER_HOST = "pde.example.org"  # replaced by the service's own address at install

# Every policy the file may hold, with its type in Chromium's schema.
KNOWN: dict[str, type] = {
    "PasswordManagerEnabled": bool,
    "AutofillAddressEnabled": bool,
    "AutofillCreditCardEnabled": bool,
    "DownloadRestrictions": int,
    "PrinterTypeDenyList": list,
    "IncognitoModeAvailability": int,
    "BrowserGuestModeEnabled": bool,
    "BrowserAddPersonEnabled": bool,
    "BrowserSignin": int,
    "SyncDisabled": bool,
    "SavingBrowserHistoryDisabled": bool,
    "ClearBrowsingDataOnExitList": list,
    "URLBlocklist": list,
    "URLAllowlist": list,
    "HomepageLocation": str,
    "HomepageIsNewTabPage": bool,
    "ShowHomeButton": bool,
    "RestoreOnStartup": int,
    "RestoreOnStartupURLs": list,
    "VideoCaptureAllowedUrls": list,
    "AudioCaptureAllowed": bool,
    "DefaultGeolocationSetting": int,
    "DefaultNotificationsSetting": int,
    "DeveloperToolsAvailability": int,
    "DefaultBrowserSettingEnabled": bool,
    "MetricsReportingEnabled": bool,
    "TranslateEnabled": bool,
    "SearchSuggestEnabled": bool,
    "SpellCheckServiceEnabled": bool,
    "BookmarkBarEnabled": bool,
}
# ClearBrowsingDataOnExitList's data types (Chromium's browsing_data prefs).
DATA_TYPES = {
    "browsing_history",
    "download_history",
    "cookies_and_other_site_data",
    "cached_images_and_files",
    "password_signin",
    "autofill",
    "site_settings",
    "hosted_app_data",
}


def policy() -> dict[str, object]:
    loaded = json.loads(POLICY_FILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_the_file_holds_exactly_the_known_policies_with_their_types() -> None:
    policies = policy()
    assert set(policies) == set(KNOWN)
    for name, value in policies.items():
        expected = KNOWN[name]
        # JSON's true is no int here: Chromium refuses a boolean for an integer policy.
        assert type(value) is expected, (name, value)
        if expected is list:
            assert value and all(isinstance(item, str) for item in value), name  # type: ignore[attr-defined]


def test_a_shared_computer_keeps_nothing_of_the_person() -> None:
    policies = policy()
    for name in (
        "PasswordManagerEnabled",
        "AutofillAddressEnabled",
        "AutofillCreditCardEnabled",
        "BrowserGuestModeEnabled",
        "BrowserAddPersonEnabled",
        "SyncDisabled",
    ):
        assert policies[name] is (name == "SyncDisabled"), name
    assert policies["SavingBrowserHistoryDisabled"] is True
    assert policies["DownloadRestrictions"] == 3  # block every download
    # Printing to a PDF file is a download that DownloadRestrictions does not cover.
    assert "pdf" in policies["PrinterTypeDenyList"]  # type: ignore[operator]
    assert policies["IncognitoModeAvailability"] == 1  # no incognito window
    assert policies["BrowserSignin"] == 0
    cleared = set(policies["ClearBrowsingDataOnExitList"])  # type: ignore[arg-type]
    assert cleared <= DATA_TYPES and {"browsing_history", "download_history", "autofill"} <= cleared


def test_the_terminals_credential_survives_a_restart() -> None:
    """Its cookie is what makes the browser a terminal: no policy may wipe it."""
    policies = policy()
    assert "ForceEphemeralProfiles" not in policies
    assert "cookies_and_other_site_data" not in policies["ClearBrowsingDataOnExitList"]  # type: ignore[operator]


def test_only_the_service_is_reachable_and_it_opens_at_start() -> None:
    policies = policy()
    assert policies["URLBlocklist"] == ["*"]
    for name in ("URLAllowlist", "RestoreOnStartupURLs", "VideoCaptureAllowedUrls"):
        for address in policies[name]:  # type: ignore[attr-defined]
            parts = urlsplit(address)
            assert (parts.scheme, parts.hostname) == ("https", PLACEHOLDER_HOST), (name, address)
    assert urlsplit(str(policies["HomepageLocation"])).hostname == PLACEHOLDER_HOST
    assert policies["RestoreOnStartup"] == 4  # open the listed pages


def test_the_docs_say_how_to_install_it_and_replace_the_placeholder() -> None:
    guide = (POLICY_FILE.parents[1] / "docs" / "day-centres.md").read_text(encoding="utf-8")
    for needle in (
        "deploy/terminal-policy.json",
        PLACEHOLDER_HOST,
        "/etc/chromium/policies/managed/",
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google\\Chrome",
        "admin.google.com",
        "chrome://policy",
    ):
        assert needle in guide, needle
