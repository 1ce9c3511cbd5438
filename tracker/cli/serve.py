"""`tracker dev`: the web app and the scheduler in one process, for local use (`make run`)."""

from __future__ import annotations

import click


@click.command("dev", help="Serve the web app on HOST:PORT with the reminder scheduler "
               "running beside it (one process, no reloader).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Serve the web app only.")
def dev(host: str, port: int, no_scheduler: bool) -> None:
    import logging

    from tracker.cli.common import load_app

    app = load_app()
    scheduler = None
    if not no_scheduler:
        from tracker.scheduler import start_background_scheduler

        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        # Exactly one scheduler: the reloader is off, so this process is the only one.
        scheduler = start_background_scheduler(app.extensions["tracker"])
    from werkzeug.serving import run_simple

    try:
        # Werkzeug directly: Flask ignores app.run() inside its own CLI.
        run_simple(host, port, app, use_reloader=False, threaded=True)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
            scheduler.tracker_lease.release()


commands = [dev]
