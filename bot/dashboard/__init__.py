"""The staff dashboard (Sanic): accounts and login first; the web app follows."""
