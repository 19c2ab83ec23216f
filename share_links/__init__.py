"""Share links: creation, opening, limits, revocation and the recipient's viewer."""
