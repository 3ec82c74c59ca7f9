"""The widget's HTTP API on the web server (a Flask blueprint): configuration, history,
feedback and erasure. Any site may embed the widget, so these answer CORS requests from any
origin; they carry no cookies, and a conversation is addressed by its random session id."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from bot.rasa_api import RasaApi, RasaApiError
from bot.web.history import widget_history

logger = logging.getLogger(__name__)

SOCKET_CLIENT = "/static/vendor/socket.io-4.8.1.min.js"
_SESSION = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_BODY = 16 * 1024

bp = Blueprint("widget_api", __name__, url_prefix="/api/widget")


def _rasa() -> RasaApi:
    api: RasaApi = current_app.config["RASA_API"]
    return api


def _error(status: int, message: str) -> tuple[Response, int]:
    return jsonify(error=message), status


def _json_body() -> dict[str, Any] | None:
    if (request.content_length or 0) > MAX_BODY:
        return None
    data = request.get_json(silent=True, force=True)
    return data if isinstance(data, dict) else None


def _session(value: Any) -> str | None:
    return value if isinstance(value, str) and _SESSION.match(value) else None


@bp.after_request
def cors(resp: Response) -> Response:
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    resp.headers["Access-Control-Allow-Headers"] = "Content-Type"
    resp.headers["Access-Control-Max-Age"] = "600"
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/<path:_any>", methods=["OPTIONS"])
def preflight(_any: str) -> Response:
    return Response(status=204)


@bp.get("/config")
def config() -> Response:
    settings = current_app.config["SETTINGS"]
    return jsonify(
        socket_url=settings.socket_url, socket_path="/socket.io", socket_client=SOCKET_CLIENT
    )


@bp.get("/history")
def history() -> Response | tuple[Response, int]:
    session = _session(request.args.get("session_id"))
    if session is None:
        return _error(400, "session_id is missing or malformed")
    try:
        events = _rasa().events(session)
    except RasaApiError:
        return _error(503, "the assistant is not reachable right now")
    return jsonify(widget_history(events))


@bp.post("/feedback")
def feedback() -> Response | tuple[Response, int]:
    body = _json_body()
    if body is None:
        return _error(400, "the body must be a JSON object of at most 16 KB")
    session, rating, index = _session(body.get("session_id")), body.get("rating"), body.get("index")
    excerpt = body.get("excerpt", "")
    if session is None:
        return _error(400, "session_id is missing or malformed")
    if rating not in ("up", "down"):
        return _error(400, "rating must be 'up' or 'down'")
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < 10_000:
        return _error(400, "index must be the number of the rated answer")
    if not isinstance(excerpt, str):
        return _error(400, "excerpt must be text")
    value = {"rating": rating, "index": index, "excerpt": excerpt[:200]}
    try:
        if not _rasa().events(session):
            return _error(404, "no such conversation")
        _rasa().append(
            session,
            [{"event": "slot", "name": "feedback", "value": value, "timestamp": time.time()}],
        )
    except RasaApiError:
        return _error(503, "the assistant is not reachable right now")
    logger.info("widget feedback stored (%s)", rating)
    return jsonify(stored=True)


@bp.post("/erase")
def erase() -> Response | tuple[Response, int]:
    body = _json_body()
    session = _session(body.get("session_id")) if body else None
    if session is None:
        return _error(400, "session_id is missing or malformed")
    try:
        # the erasing tracker store deletes every event of the conversation when it sees this
        _rasa().append(
            session,
            [{"event": "slot", "name": "erase_requested", "value": True, "timestamp": time.time()}],
        )
    except RasaApiError:
        return _error(503, "the assistant is not reachable right now")
    logger.info("widget conversation erased on request")
    return jsonify(erased=True)
