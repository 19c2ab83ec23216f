"""`pde org keygen | add | add-key | revoke-key | list`, run in-process on a migrated
SQLite database of its own, and the public list they feed (GET /api/v1/organisations):
the private key is written at the organisation only (0600, never over a file), the
operator registers the organisation and its public key, a revocation is dated and
public, each change is in the audit log, and every mistake is one line."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from crypto.issued import org_key_from_jwk
from day_centres import audit
from pde.app import create_app
from pde.settings import Settings
from tests.api.support import Run
from tests.staff_support import database
from wallet.db import migrate


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in ("PDE_DATABASE_URL", "PDE_BLOB_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PDE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.chdir(tmp_path)
    migrate(Settings().sqlalchemy_url)
    yield tmp_path


def keygen(pde: Callable[..., Run], name: str = "org.key") -> tuple[str, str]:
    made = pde("org", "keygen", "-o", name)
    assert made.code == 0, made.err
    lines = dict(line.split(": ", 1) for line in made.out.splitlines() if ": " in line[:13])
    return lines["public key"], lines["fingerprint"]


def public_list() -> list[dict[str, object]]:
    app = create_app(Settings())
    try:
        answer = TestClient(app).get("/api/v1/organisations")
    finally:
        app.state.runtime.engine.dispose()
    assert answer.status_code == 200
    return list(answer.json()["organisations"])


def test_keygen_writes_a_private_key_file_only_its_owner_reads_and_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pde: Callable[..., Run]
) -> None:
    monkeypatch.chdir(tmp_path)
    public, kid = keygen(pde)
    path = tmp_path / "org.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = org_key_from_jwk(json.loads(path.read_text()))
    assert key.kid == kid and len(public) == 43
    again = pde("org", "keygen", "-o", "org.key")
    assert again.code == 1 and "never overwritten" in again.err
    assert org_key_from_jwk(json.loads(path.read_text())).kid == kid


def test_registered_organisation_and_key_are_published_with_their_revocation(
    data_dir: Path, pde: Callable[..., Run]
) -> None:
    public, kid = keygen(pde)
    added = pde("org", "add", "--name", "CPAS d'Ixelles", "--kind", "cpas", "--address", "Ixelles")
    assert added.code == 0, added.err
    organisation_id = added.out.strip()
    key = pde(
        "org", "add-key", "cpas d'ixelles", "--public-key", public, "--valid-from", "2026-01-01"
    )
    assert key.code == 0, key.err
    assert key.out.strip() == kid
    listed = public_list()
    assert listed == [
        {
            "id": organisation_id,
            "name": "CPAS d'Ixelles",
            "kind": "cpas",
            "address": "Ixelles",
            "keys": [
                {
                    "kid": kid,
                    "public_key": public,
                    "valid_from": "2026-01-01",
                    "valid_until": None,
                    "revoked_from": None,
                    "revocation_reason": "",
                }
            ],
        }
    ]
    revoked = pde("org", "revoke-key", kid, "--from", "2026-04-01", "--reason", "laptop stolen")
    assert revoked.code == 0, revoked.err
    entry = public_list()[0]["keys"][0]  # type: ignore[index]
    assert entry["revoked_from"] == "2026-04-01" and entry["revocation_reason"] == "laptop stolen"
    shown = pde("org", "list")
    assert kid in shown.out and "revoked from 2026-04-01" in shown.out
    with database(Settings().sqlalchemy_url) as db:
        actions = [entry.action for entry in audit.entries(db, limit=10)]
    assert actions == ["organisation_key_revoked", "organisation_key_added", "organisation_created"]


def test_each_mistake_is_one_line_and_changes_nothing(
    data_dir: Path, pde: Callable[..., Run]
) -> None:
    public, kid = keygen(pde)
    assert pde("org", "add", "--name", "CPAS", "--kind", "cpas").code == 0
    cases = [
        (("org", "add", "--name", "cpas", "--kind", "cpas"), "already used"),
        (("org", "add-key", "Nobody", "--public-key", public), "No organisation"),
        (("org", "add-key", "CPAS", "--public-key", "not-a-key"), "not a public key"),
        (
            (
                "org",
                "add-key",
                "CPAS",
                "--public-key",
                public,
                "--valid-from",
                "2026-02-01",
                "--valid-until",
                "2026-01-01",
            ),
            "before its start",
        ),
        (("org", "revoke-key", kid, "--from", "2026-01-01", "--reason", "x y"), "No registered"),
    ]
    for args, words in cases:
        run = pde(*args)
        assert run.code == 1, args
        assert run.err.startswith("error:") and words in run.err, run.err
        assert len(run.err.strip().splitlines()) == 1
    assert pde("org", "add-key", "CPAS", "--public-key", public).code == 0
    twice = pde("org", "add-key", "CPAS", "--public-key", public)
    assert twice.code == 1 and "already registered" in twice.err
    no_reason = pde("org", "revoke-key", kid, "--from", "2026-01-01", "--reason", " ")
    assert no_reason.code == 1
    bad_day = pde("org", "revoke-key", kid, "--from", "2026-13-01", "--reason", "lost")
    assert bad_day.code == 2 and "not a day" in bad_day.err
    assert public_list()[0]["keys"][0]["revoked_from"] is None  # type: ignore[index]
