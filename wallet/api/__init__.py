"""PDE's JSON API under /api/v1 (FastAPI routers)."""
