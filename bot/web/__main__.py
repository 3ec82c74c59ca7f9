"""Serve the web app with waitress: ``python -m bot.web``."""

from __future__ import annotations

import logging

from waitress import serve

from bot.settings import Settings
from bot.web import create_app


def main() -> None:
    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level)
    serve(
        create_app(settings),
        host=settings.host,
        port=settings.web_port,
        threads=8,
        ident="foerderlotse",
    )


if __name__ == "__main__":
    main()
