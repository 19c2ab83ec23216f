"""The command line shows a suspension (issue 11 §5): after the operator suspends
a share or a deposit link, `pde client shares` and `pde client deposit-links`
print the reason under the link, `pde open-share` exits 1 with [share_suspended],
and once the suspension is lifted the lines go and the share opens again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.api.support import Run, stored_rows
from tests.api.test_share_cli import Owner, owner, share  # noqa: F401  (fixture)
from tests.server import LiveServer
from wallet.services import link_reports


def operator(server: LiveServer, action: str, kind: str, link_id: str, reason: str = "") -> None:
    with stored_rows(server) as db:
        if action == "suspend":
            assert link_reports.suspend(db, kind, link_id, reason) is not None
        else:
            assert link_reports.lift(db, kind, link_id) is not None
        db.commit()


def test_a_suspended_share_shows_its_reason_to_its_owner_and_refuses_the_worker(
    pde_server: LiveServer,
    owner: Owner,  # noqa: F811  (the fixture imported above)
    pde: Callable[..., Run],
    tmp_path: Path,
) -> None:
    link, share_id = share(owner)

    operator(pde_server, "suspend", "share", share_id, "fraud")

    listed = owner.client("shares")
    assert listed.code == 0, listed.err
    lines = listed.out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(share_id))
    assert lines[at + 1].startswith("\tsuspended by the service since ")
    assert lines[at + 1].endswith(": fraud or phishing")
    refused = pde("open-share", link, "-o", str(tmp_path / "first"))
    assert refused.code == 1 and "[share_suspended]" in refused.err

    operator(pde_server, "lift", "share", share_id)

    assert "suspended by the service" not in owner.client("shares").out
    assert pde("open-share", link, "-o", str(tmp_path / "second")).code == 0


def test_a_suspended_deposit_link_shows_its_reason_to_its_owner(
    pde_server: LiveServer,
    owner: Owner,  # noqa: F811
) -> None:
    made = owner.client("deposit-link", "--label", "CPAS Ixelles")
    assert made.code == 0, made.err
    deposit_id = made.out.strip().split("/d/")[1].split("#")[0]

    operator(pde_server, "suspend", "deposit", deposit_id, "wrong_recipient")

    listed = owner.client("deposit-links").out.splitlines()
    at = next(i for i, line in enumerate(listed) if line.startswith(deposit_id))
    assert listed[at + 1].endswith(": sent to the wrong person")
