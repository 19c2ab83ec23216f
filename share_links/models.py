"""Share links' tables: a share's server side, the documents in it (each with
its key wrapped for the share and the chosen metadata sealed for it), and the
access log its owner reads. Created by the one migration history
(wallet/migrations/versions/0002_shares.py); a share goes with its wallet, and
a document leaves every share when it is deleted (foreign keys, ON DELETE CASCADE)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wallet.models import ID_LENGTH, Base, Document, LinkLifetime, UTCDateTime


class Share(LinkLifetime, Base):
    """A share link's server side: what it may open, until when, how often. The
    server keeps SHA-256 of the link token (the link) and of the access token (the
    link and the PIN); recipient and purpose are sealed (`info_box` for the
    worker, `owner_record` for the owner)."""

    __tablename__ = "shares"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    access_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    # None only for a share made before migration 0007: its link is refused as damaged
    link_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32), nullable=True)
    pin: Mapped[bool] = mapped_column(Boolean)
    info_box: Mapped[bytes] = mapped_column(LargeBinary)
    owner_record: Mapped[bytes] = mapped_column(LargeBinary)
    max_opens: Mapped[int | None] = mapped_column(Integer, nullable=True)
    compartment_tag: Mapped[bytes | None] = mapped_column(LargeBinary(32), nullable=True)
    opens: Mapped[int] = mapped_column(Integer, default=0)
    wrong_accesses: Mapped[int] = mapped_column(Integer, default=0)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)

    documents: Mapped[list[ShareDocument]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ShareDocument.position"
    )
    events: Mapped[list[ShareEvent]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ShareEvent.id"
    )


class ShareDocument(Base):
    """One document in a share: its key wrapped for the share, and only the metadata
    fields the owner chose, sealed for the share. Goes away with the document."""

    __tablename__ = "share_documents"

    share_id: Mapped[str] = mapped_column(
        ForeignKey("shares.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary(128))
    metadata_box: Mapped[bytes] = mapped_column(LargeBinary)

    document: Mapped[Document] = relationship()


class ShareEvent(Base):
    """The share's access log, for its owner: what happened and when. No address,
    no browser, nothing about who."""

    __tablename__ = "share_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    share_id: Mapped[str] = mapped_column(ForeignKey("shares.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
