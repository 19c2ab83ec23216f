"""PDE's server core: settings, database, blob storage, services and the JSON API."""
