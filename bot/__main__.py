"""Launcher: ``python -m bot run`` (train if needed, start everything) or ``python -m bot train``."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from types import FrameType

from bot.model import ensure_model, model_path
from bot.privacy.retention import purge
from bot.services import (
    MAX_RESTARTS,
    RESTART_WINDOW,
    ServiceError,
    Stack,
    build_services,
    write_endpoints,
)
from bot.settings import Settings
from knowledge.loader import KnowledgeError, load_or_raise

logger = logging.getLogger("bot")


def _install_signal_handlers(stop: threading.Event) -> None:
    def handler(signum: int, _frame: FrameType | None) -> None:
        logger.info("received %s, shutting down", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def telegram_line(settings: Settings) -> str:
    if not settings.telegram_token:
        return "off (set TELEGRAM_TOKEN to start it)"
    return f"on ({settings.telegram_mode})"


def run(settings: Settings) -> int:
    settings = settings.with_token()
    try:
        kb = load_or_raise(settings.knowledge_dir)
    except KnowledgeError as exc:
        logger.error("%s", exc)
        return 1
    logger.info("knowledge base ok: %s", kb.counts())
    model = ensure_model(settings.root, settings.models_dir)
    write_endpoints(settings)
    stop = threading.Event()
    _install_signal_handlers(stop)
    stack = Stack(settings, build_services(settings, model))
    started = time.monotonic()
    try:
        with stack:
            print(
                "\nFörderlotse is ready "
                f"(started in {time.monotonic() - started:.1f} s):\n"
                f"  web page / widget   {settings.web_url}/\n"
                f"  advisor console     {settings.web_url}/console/  ({console_line(settings)})\n"
                f"  Rasa REST channel   {settings.rasa_url}/webhooks/rest/webhook\n"
                f"  Rasa socket.io      {settings.rasa_url}/socket.io\n"
                f"  action server       {settings.actions_url}/health\n"
                f"  tracker store       {settings.tracker_db}\n"
                f"  Telegram channel    {telegram_line(settings)}\n"
                "Press Ctrl-C to stop.\n",
                flush=True,
            )
            next_purge = 0.0
            while not stop.wait(1.0):
                if time.monotonic() >= next_purge:  # retention: at start, then every 6 h
                    next_purge = time.monotonic() + RETENTION_INTERVAL
                    try:
                        purge(settings, settings.retention_days)
                    except Exception:
                        logger.exception("retention run failed; trying again later")
                given_up = stack.revive()
                if given_up:
                    logger.error(
                        "%s keeps stopping (%d times in %.0f min); shutting down",
                        given_up[0].name,
                        MAX_RESTARTS,
                        RESTART_WINDOW / 60,
                    )
                    return 1
    except ServiceError as exc:
        logger.error("start-up failed: %s", exc)
        return 1
    return 0


RETENTION_INTERVAL = 6 * 3600


def console_line(settings: Settings) -> str:
    from bot.console.accounts import AccountStore
    from bot.console.db import Database

    if AccountStore(Database(settings.console_database)).all():
        return "log in with your account"
    return "no account yet: .venv/bin/python -m bot.console advisors add NAME --role admin"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="train if needed, then start Rasa, actions and the web server")
    sub.add_parser("train", help="train a model if the training data changed")
    serve_parser = sub.add_parser(
        "serve", help="run one server in the foreground (one process per container)"
    )
    serve_parser.add_argument("service", choices=SERVICES)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s"
    )
    if args.command == "train":
        print(ensure_model(settings.root, settings.models_dir))
        return 0
    if args.command == "serve":
        return serve(settings, args.service)
    return run(settings)


SERVICES = ("rasa", "actions", "web", "telegram")


def serve(settings: Settings, name: str) -> int:
    """Replace this process with one server of the stack, configured exactly as ``run``
    configures it: the scale-out deployments (deploy/) run one of these per container."""
    if name in ("rasa", "web") and not settings.rasa_token:
        logger.error("RASA_AUTH_TOKEN must be set when the servers run separately")
        return 2
    if name == "rasa":
        model = ensure_model(settings.root, settings.models_dir)
        write_endpoints(settings)
    else:
        model = model_path(settings.root, settings.models_dir)
    services = {s.name: s for s in build_services(settings, model)}
    if name == "telegram" and name not in services:
        logger.error("TELEGRAM_TOKEN is not set")
        return 2
    service = services[name]
    os.execvpe(service.cmd[0], service.cmd, {**os.environ, **service.env})
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
