"""The project's web server: start page (widget demo), later the widget and advisor console."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template

from bot.settings import Settings


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["SETTINGS"] = settings

    @app.get("/")
    def index() -> str:
        return render_template("index.html", rasa_url=settings.rasa_url)

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.after_request
    def secure_headers(resp: Response) -> Response:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return resp

    return app
