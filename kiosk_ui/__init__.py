"""The rights-holder's web interface and the application factory that composes PDE."""
