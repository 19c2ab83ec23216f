"""Dependencies shared by the routes: the runtime, a database session, and
the caller's session and wallet from the `Authorization: Bearer` header."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from crypto import b64u_decode
from crypto.errors import InvalidEncoding
from wallet.errors import InvalidRequest, PassphraseChangeRequired
from wallet.models import Account, AuthSession
from wallet.runtime import Runtime
from wallet.services.sessions import authenticate

_bearer = HTTPBearer(auto_error=False, description="session token from /api/v1/login")


async def get_runtime(request: Request) -> Runtime:
    # async: no I/O here, so FastAPI runs it on the event loop, not in a thread
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_db(runtime: RuntimeDep) -> Iterator[Session]:
    """One database session per request; routes commit what they change before answering."""
    with runtime.db() as session:
        yield session


DbDep = Annotated[Session, Depends(get_db)]


def client_key(request: Request) -> str:
    """Who is calling, for rate limits only: kept hashed, in memory, never logged.
    (Called as a function too, so not async as the other dependencies without I/O.)"""
    return request.client.host if request.client else "unknown"


ClientKey = Annotated[str, Depends(client_key)]


def current_session(
    db: DbDep,
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AuthSession:
    session = authenticate(db, runtime.settings, credentials.credentials if credentials else None)
    if db.dirty:
        db.commit()  # last-seen time, so the idle timeout counts from now
    return session


CurrentSession = Annotated[AuthSession, Depends(current_session)]


def current_wallet(session: CurrentSession) -> Account:
    """The caller's wallet, refused until a passphrase is set after a recovery login."""
    if session.account.must_change_passphrase:
        raise PassphraseChangeRequired()
    return session.account


CurrentWallet = Annotated[Account, Depends(current_wallet)]


async def compartment_tag(
    compartment: Annotated[
        str | None,
        Header(
            alias="PDE-Compartment",
            description="a hidden compartment's token (FORMAT.md §4.1); absent: the normal view",
        ),
    ] = None,
) -> bytes | None:
    """Which compartment a request works in: None for the normal view, else the tag
    the server keeps, SHA-256 of the token. Any well-formed token is a compartment."""
    if compartment is None:
        return None
    try:
        token = b64u_decode(compartment)
    except InvalidEncoding:
        token = b""
    if len(token) != 32:
        raise InvalidRequest("PDE-Compartment: must encode 32 bytes in base64url.")
    return hashlib.sha256(token).digest()


CompartmentTag = Annotated[bytes | None, Depends(compartment_tag)]
