"""Services: what the wallet server does, independent of HTTP. Each takes a
database session and what else it needs, and raises `wallet.errors` errors."""
