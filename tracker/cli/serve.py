"""`tracker dev`: the web app for local use (`make run`)."""

from __future__ import annotations

import click


@click.command("dev", help="Serve the web app for local use on HOST:PORT.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def dev(host: str, port: int) -> None:
    from tracker.cli import load_app

    app = load_app()
    app.run(host=host, port=port, use_reloader=False, threaded=True)


commands = [dev]
