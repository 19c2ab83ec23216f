"""Issued documents in the browser (issue 16): given an organisation registered by
the operator and documents it deposited signed into a person's wallet, when the
owner opens one at the kiosk, the document screen says who issued it, when, under
which title, and "signature verified", even after the owner renamed it; when the
owner shares them, the worker's viewer checks each signature in the page against
the public list and tells apart a verified document, a changed file, a key
revoked before the issue date, a key revoked after it (still verified), an
unknown organisation, and an ordinary scan (no panel). In French and in Arabic,
with no serious accessibility violation on these screens."""

from __future__ import annotations

import io
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from client import PdeClient
from client import deposits as client_deposits
from client import issued as client_issued
from client.deposits import accept, create_deposit_link, deposit, inbox
from client.shares import create_share
from crypto import new_id
from crypto.issued import OrgKey, content_digest, new_org_key, org_key_to_jwk, verify_issued
from day_centres import organisations
from tests.e2e.axe_audit import blocking_violations, describe
from tests.e2e.conftest import server_settings
from tests.e2e.kiosk_steps import PASSPHRASE, kiosk_page, log_in, open_kiosk
from tests.e2e.share_steps import worker_opens
from tests.server import ServedApp
from tests.staff_support import database
from tests.wallet_pool import WalletPool
from wallet.db import migrate

pytestmark = pytest.mark.browser

SCAN = b"decision of the CPAS: social integration income granted\n" * 20
ORGANISATION = "CPAS d'Ixelles"


@dataclass
class World:
    """A server, an owner's wallet with issued documents, and a share of all of them."""

    server: ServedApp
    handle: str
    link: str
    key: OrgKey


def _deposit(folder: Path, link: str, key: OrgKey | None, title: str) -> None:
    """Deposit the scan as a text file, signed with `key` (None: an ordinary scan)."""
    path = folder / f"{secrets.token_hex(4)}.txt"
    path.write_bytes(SCAN)
    deposit(link, [path], category="cpas", signing_key=key, title=title, issued_on="2026-03-03")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    settings = server_settings(tmp_path_factory.mktemp("issued"))
    migrate(settings.sqlalchemy_url)
    server = ServedApp(settings)
    server.start()
    url = settings.sqlalchemy_url
    folder = tmp_path_factory.mktemp("files")
    good, revoked_before, revoked_after = new_org_key(), new_org_key(), new_org_key()
    with database(url) as db:
        organisation = organisations.create_organisation(db, ORGANISATION, "cpas", "Ixelles")
        for key in (good, revoked_before, revoked_after):
            organisations.add_key(db, organisation, key.public_key, date(2025, 1, 1))
    handle = f"issued-{secrets.token_hex(4)}"
    mp = pytest.MonkeyPatch()
    try:
        with PdeClient(server.url, retry_seconds=5) as owner:
            WalletPool().register(owner, handle, PASSPHRASE)
            link = create_deposit_link(owner, "CPAS Ixelles", max_files=10).link
            _deposit(folder, link, good, "Décision RIS")
            _deposit(folder, link, revoked_before, "Attestation revoked before")
            _deposit(folder, link, revoked_after, "Attestation revoked after")
            _deposit(folder, link, None, "Ordinary scan")
            # A depositor whose signature names another file: it does not match.
            sign = client_issued.Signer.sign
            mp.setattr(
                client_issued.Signer,
                "sign",
                lambda self, source, *a: sign(self, io.BytesIO(b"another file"), *a),
            )
            _deposit(folder, link, good, "Changed file")
            mp.undo()
            # A signature that names an organisation the list does not have.
            mp.setattr(
                client_deposits,
                "signer_for",
                lambda key, listed, day: client_issued.Signer(key, {"id": new_id()}),
            )
            _deposit(folder, link, good, "Unknown organisation")
            mp.undo()
            for item in inbox(owner):
                accept(owner, item)
            documents = [d.document_id for d in owner.list()]
            share = create_share(owner, documents, recipient="worker", purpose="RIS")
        with database(url) as db:
            organisations.revoke_key(
                db, organisations.get_key(db, revoked_before.kid), date(2026, 2, 1), "stolen"
            )
            organisations.revoke_key(
                db, organisations.get_key(db, revoked_after.kid), date(2026, 5, 1), "lost"
            )
        yield World(server, handle, share.link, good)
    finally:
        mp.undo()
        server.stop()


def card(page: Page, title: str):  # type: ignore[no-untyped-def]
    return page.locator("#document-list > li", has_text=title)


EXPECTED_FR = {
    "Décision RIS": ("verified", "Signature vérifiée"),
    "Attestation revoked before": ("revoked", "Clé révoquée"),
    "Attestation revoked after": ("verified", "Signature vérifiée"),
    "Changed file": ("mismatch", "La signature ne correspond pas"),
    "Unknown organisation": ("unknown", "Organisation inconnue"),
}


def test_the_worker_s_viewer_checks_each_signature_and_tells_each_case_apart(
    browser: Browser, world: World
) -> None:
    with kiosk_page(browser, locale="fr-BE") as page:
        worker_opens(page, world.link)
        for title, (status, words) in EXPECTED_FR.items():
            panel = card(page, title).locator(".issued")
            expect(panel).to_have_attribute("data-issued", status)
            expect(panel).to_contain_text(words)
            expect(panel).to_contain_text("Document délivré par une organisation")
        expect(card(page, "Décision RIS").locator(".issued")).to_contain_text(
            f"Délivré par {ORGANISATION} le 3 mars 2026"
        )
        expect(card(page, "Ordinary scan").locator(".issued")).to_have_count(0)
        violations = blocking_violations(page)
        assert violations == [], describe(violations)


def test_the_viewer_in_arabic_says_the_same_right_to_left(browser: Browser, world: World) -> None:
    with kiosk_page(browser, locale="ar") as page:
        worker_opens(page, world.link)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        verified = card(page, "Décision RIS").locator(".issued")
        expect(verified).to_contain_text("تم التحقق من التوقيع")
        expect(card(page, "Changed file").locator(".issued")).to_contain_text("التوقيع غير مطابق")
        violations = blocking_violations(page)
        assert violations == [], describe(violations)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_owner_sees_who_issued_a_document_and_renaming_it_keeps_the_signature(
    browser: Browser, world: World, lang: str
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, world.server.url, lang)
        log_in(page, world.handle)
        # Its title, or the one the French run gave it (the module's wallet is shared).
        issued = page.locator(
            "#document-list li", has_text=re.compile("Décision RIS|Mon RIS")
        ).first
        mark = "Signé par une organisation" if lang == "fr" else "موقّعة من منظمة"
        expect(issued.locator(".issued-mark")).to_contain_text(mark)
        issued.click()
        panel = page.locator("#view-issued .issued")
        expect(panel).to_have_attribute("data-issued", "verified")
        words = "Signature vérifiée" if lang == "fr" else "تم التحقق من التوقيع"
        expect(panel).to_contain_text(words)
        violations = blocking_violations(page)
        assert violations == [], describe(violations)
        if lang != "fr":
            return
        page.click("#view-edit")
        page.locator("#edit-title").fill("Mon RIS")
        page.select_option("#edit-category", "social")
        page.click("#edit-form button[type=submit]")
        expect(page.locator("#view-title")).to_have_text("Mon RIS")
        page.click("#screen-view [data-go=documents]")
        page.locator("#document-list li", has_text="Mon RIS").first.click()
        expect(panel).to_have_attribute("data-issued", "verified")
        expect(panel).to_contain_text("Décision RIS")  # the title as issued


def test_an_ordinary_scan_shows_no_panel_at_the_kiosk(browser: Browser, world: World) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, world.server.url, "fr")
        log_in(page, world.handle)
        ordinary = page.locator("#document-list li", has_text="Ordinary scan").first
        expect(ordinary.locator(".issued-mark")).to_have_count(0)
        ordinary.click()
        expect(page.locator("#view-title")).to_have_text("Ordinary scan")
        expect(page.locator("#preview")).to_have_attribute("data-kind", "text", timeout=20_000)
        expect(page.locator("#view-issued .issued")).to_have_count(0)


def test_the_public_list_names_the_organisation_and_its_keys(world: World) -> None:
    listed = httpx.get(f"{world.server.url}/api/v1/organisations").json()["organisations"]
    assert [o["name"] for o in listed] == [ORGANISATION]
    assert len(listed[0]["keys"]) == 3
    revoked = sorted(str(key["revoked_from"]) for key in listed[0]["keys"])
    assert revoked == ["2026-02-01", "2026-05-01", "None"]


def test_a_service_signs_on_the_deposit_page_with_its_key_file_and_the_owner_s_copy_verifies(
    browser: Browser, world: World, tmp_path: Path
) -> None:
    key_file = tmp_path / "cpas.key"
    key_file.write_text(json.dumps(org_key_to_jwk(world.key)))
    stranger = tmp_path / "stranger.key"
    stranger.write_text(json.dumps(org_key_to_jwk(new_org_key())))
    scan = tmp_path / "attestation.txt"
    scan.write_bytes(b"attestation de residence\n" * 30)
    with PdeClient(world.server.url, retry_seconds=5) as owner:
        owner.login(world.handle, PASSPHRASE)
        link = create_deposit_link(owner, "CPAS Ixelles", max_files=2).link
        with kiosk_page(browser, locale="fr-BE") as page:
            page.goto(link)
            expect(page.locator("#screen-choose")).to_be_visible()
            page.click("#sign-panel summary")
            page.set_input_files("#sign-key", files=[str(stranger)])
            expect(page.locator("#sign-error")).to_contain_text("pas enregistrée dans PDE")
            page.set_input_files("#sign-key", files=[str(key_file)])
            expect(page.locator("#sign-organisation")).to_have_text(
                f"Signature au nom de {ORGANISATION}."
            )
            page.locator("#sign-date").fill("2026-03-03")
            page.set_input_files("#deposit-files", files=[str(scan)])
            page.locator(".file-title").fill("Attestation de résidence")
            violations = blocking_violations(page)
            assert violations == [], describe(violations)
            page.click("#deposit-send")
            expect(page.locator("#screen-sent")).to_be_visible(timeout=60_000)
        [item] = inbox(owner)
        listed = httpx.get(f"{world.server.url}/api/v1/organisations").json()["organisations"]
        check = verify_issued(item.metadata["issued"], content_digest([scan.read_bytes()]), listed)
        assert check.verified, check
        assert check.claims is not None
        assert (check.claims.title, check.claims.date) == ("Attestation de résidence", "2026-03-03")
        assert item.metadata["date"] == "2026-03-03"
