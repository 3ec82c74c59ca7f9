"""The project's web server: the widget demo (start page), the widget and its API, the privacy
page; later the advisor console."""

from __future__ import annotations

import time

from flask import Flask, Response, jsonify, render_template, request, send_from_directory

from bot.console import build_console, console_secret
from bot.console.views import Console, init_console
from bot.privacy import notice
from bot.rasa_api import HttpRasaApi, RasaApi
from bot.settings import Settings
from bot.web.widget_api import bp as widget_api

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self' {socket} {socket_ws}; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'self'; object-src 'none'"
)


def create_app(
    settings: Settings | None = None,
    rasa_api: RasaApi | None = None,
    console: Console | None = None,
) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["SETTINGS"] = settings
    api = rasa_api or HttpRasaApi(
        settings.rasa_client_url, settings.rasa_token, tracker_url=settings.tracker_url
    )
    app.config["RASA_API"] = api
    app.config["ERASE_CONVERSATION"] = lambda sender: api.append(
        sender, [{"event": "slot", "name": "erase_requested", "value": True}]
    )
    app.register_blueprint(widget_api)
    init_console(
        app,
        console or build_console(settings, api),
        secret_key=console_secret(settings),
        secure_cookies=settings.console_secure_cookies,
    )
    app.jinja_env.filters["datetime"] = lambda ts: (
        time.strftime("%d.%m.%Y %H:%M", time.localtime(float(ts))) if ts else ""
    )
    socket = settings.socket_url.rstrip("/")
    csp = CSP.format(socket=socket, socket_ws=socket.replace("http", "ws", 1))

    @app.get("/")
    def index() -> str:
        return render_template("index.html", page="start")

    @app.get("/unterseite")
    def subpage() -> str:
        return render_template("index.html", page="sub")

    @app.get("/datenschutz")
    def privacy() -> str:
        lang = "en" if request.args.get("lang") == "en" else "de"
        return render_template(
            "privacy.html", lang=lang, sections=notice.sections(lang, settings.retention_days)
        )

    @app.get("/widget.js")
    def widget_js() -> Response:
        resp = send_from_directory(app.static_folder or "static", "widget.js", max_age=300)
        resp.headers["Access-Control-Allow-Origin"] = "*"
        return resp

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.errorhandler(404)
    def not_found(_: Exception) -> tuple[Response, int]:
        return jsonify(error="not found"), 404

    @app.errorhandler(405)
    def not_allowed(_: Exception) -> tuple[Response, int]:
        return jsonify(error="method not allowed"), 405

    @app.errorhandler(500)
    def server_error(_: Exception) -> tuple[Response, int]:
        return jsonify(error="internal error"), 500

    @app.after_request
    def secure_headers(resp: Response) -> Response:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if resp.mimetype == "text/html":
            resp.headers.setdefault("Content-Security-Policy", csp)
        return resp

    return app
