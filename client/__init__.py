"""PDE's Python client: what a third party imports to use a PDE server. It does
its own encryption (crypto/FORMAT.md) and depends on `crypto` and `httpx` only:
nothing of the server, nothing loaded from it.

    with PdeClient("https://pde.example") as wallet:
        wallet.login(handle, passphrase)
        document_id = wallet.add(Path("id-card.jpg"), category="identity")
        link = create_share(wallet, [document_id], recipient="CPAS", purpose="RIS").link

Modules by what they do: accounts, documents, shares, deposits, trustees; http
(the connection, ClientError) and uploads (encrypt, declare, send) under them."""

from client.accounts import Registration, WalletSession
from client.documents import DocumentInfo, PdeClient
from client.http import ClientError, Connection

__all__ = [
    "ClientError",
    "Connection",
    "DocumentInfo",
    "PdeClient",
    "Registration",
    "WalletSession",
]
