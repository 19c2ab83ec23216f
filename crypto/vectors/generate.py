"""Write crypto/vectors/*.json: known answers for every construction of FORMAT.md.

Run once (`python -m crypto.vectors.generate`) when the format changes; the
files are checked in, and the Python and browser implementations are tested
against them. Inputs are fixed bytes so that the outputs are reproducible.
"""

import json
import sys
from pathlib import Path

from crypto.vectors.common import pattern
from crypto.vectors.issued_section import issued_vectors
from crypto.vectors.link_sections import (
    links_vectors,
    seal_vectors,
    shamir_vectors,
    share_vectors,
    trustees_vectors,
)
from crypto.vectors.wallet_sections import (
    encoding_vectors,
    kdf_vectors,
    metadata_vectors,
    server_vectors,
    stream_vectors,
    wrap_vectors,
)

HERE = Path(__file__).parent
__all__ = ["GENERATORS", "main", "pattern"]

GENERATORS = {
    "kdf": kdf_vectors,
    "wrap": wrap_vectors,
    "metadata": metadata_vectors,
    "stream": stream_vectors,
    "share": share_vectors,
    "links": links_vectors,
    "seal": seal_vectors,
    "shamir": shamir_vectors,
    "trustees": trustees_vectors,
    "encoding": encoding_vectors,
    "server": server_vectors,
    "issued": issued_vectors,
}


def main(names: list[str]) -> None:
    """Write every vector file, or only those named (`python -m crypto.vectors.generate shamir`)."""
    for name, generate in GENERATORS.items():
        if names and name not in names:
            continue
        text = json.dumps(generate(), ensure_ascii=False, indent=1) + "\n"
        (HERE / f"{name}.json").write_text(text, encoding="utf-8")
        print(f"wrote crypto/vectors/{name}.json")


if __name__ == "__main__":
    main(sys.argv[1:])
