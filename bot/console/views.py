"""The advisor console's routes (a Flask blueprint under /console)."""

from __future__ import annotations

import csv
import io
import json
import logging
import time
from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from bot.console.accounts import ROLES, AccountError, AccountStore
from bot.console.audit import AuditLog
from bot.console.handoff import DeliveryError, HandoffService
from bot.console.improve import domain_names, nlu_yaml, parse_entities, test_story
from bot.console.reports import bars, dashboard, demand, gaps
from bot.console.security import (
    LoginThrottle,
    admin_required,
    check_csrf,
    csrf_token,
    login_required,
)
from bot.console.transcripts import Filters, TranscriptStore

logger = logging.getLogger(__name__)

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates")

IDLE_TIMEOUT = 30 * 60  # seconds without a request, then log in again
MAX_TAG, MAX_NOTE = 40, 2000


class Console:
    """The console's collaborators, kept on the Flask app."""

    def __init__(
        self,
        accounts: AccountStore,
        audit: AuditLog,
        transcripts: TranscriptStore,
        throttle: LoginThrottle,
        handoff: HandoffService,
    ) -> None:
        self.handoff = handoff
        self.accounts = accounts
        self.audit = audit
        self.transcripts = transcripts
        self.throttle = throttle


def console() -> Console:
    c: Console = current_app.extensions["console"]
    return c


def init_console(app: Flask, c: Console, *, secret_key: str, secure_cookies: bool) -> None:
    app.extensions["console"] = c
    app.secret_key = secret_key
    app.config.update(
        SESSION_COOKIE_NAME="fl_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=secure_cookies,
        SESSION_COOKIE_PATH="/console",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
    )
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.register_blueprint(bp)


@bp.before_request
def load_advisor() -> BaseResponse | None:
    g.advisor = None
    name, seen = session.get("advisor"), session.get("seen", 0)
    if isinstance(name, str):
        if time.time() - float(seen) > IDLE_TIMEOUT:
            session.clear()
        else:
            advisor = console().accounts.get(name)
            if advisor is not None and advisor.active:
                g.advisor = advisor
                session["seen"] = time.time()
            else:
                session.clear()
    check_csrf()
    if g.advisor is None and request.endpoint not in ("console.login", "console.login_post"):
        if request.method == "GET" and not request.path.endswith(
            (".csv", ".json", ".yml", "/live")
        ):
            return redirect(url_for("console.login", next=request.path))
        abort(401)
    if g.advisor is not None:
        # new events from the tracker store, once per request (the live view polls this too)
        console().transcripts.ingest()
    return None


def _attachment(body: str, mimetype: str, filename: str) -> Response:
    resp = Response(body, mimetype=mimetype)
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


@bp.after_request
def no_store(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"
    return resp


# -- login ------------------------------------------------------------------------------------
@bp.get("/login")
def login() -> str:
    return render_template("console/login.html", error=None)


@bp.post("/login")
def login_post() -> Any:
    c = console()
    name = request.form.get("name", "")[:80]
    password = request.form.get("password", "")[:1024]
    keys = (f"name:{name.lower()}", f"ip:{request.remote_addr}")
    if c.throttle.blocked(*keys):
        logger.warning("console login refused: too many failed attempts")
        return render_template(
            "console/login.html", error="Zu viele Fehlversuche. Bitte warten Sie 15 Minuten."
        ), 429
    advisor = c.accounts.verify(name, password)
    if advisor is None:
        c.throttle.failed(*keys)
        logger.info("console login failed")
        return render_template("console/login.html", error="Name oder Passwort falsch."), 401
    c.throttle.succeeded(*keys)
    session.clear()  # no session fixation
    session.permanent = True
    session["advisor"] = advisor.name
    session["seen"] = time.time()
    c.audit.record(advisor.name, "login")
    target = request.args.get("next", "")
    return redirect(target if target.startswith("/console/") else url_for("console.index"))


@bp.post("/logout")
@login_required
def logout() -> Any:
    console().audit.record(g.advisor.name, "logout")
    session.clear()
    return redirect(url_for("console.login"))


# -- transcripts ------------------------------------------------------------------------------
@bp.get("/")
@login_required
def index() -> str:
    c = console()
    filters = Filters.from_args(request.args)
    conversations, total = c.transcripts.search(filters)
    return render_template(
        "console/list.html",
        saved=c.transcripts.saved_views(g.advisor.name),
        filters=filters,
        conversations=conversations,
        total=total,
        pages=max(1, -(-total // 25)),
        channels=c.transcripts.channels(),
        intents=c.transcripts.intents(),
        tags=c.transcripts.all_tags(),
    )


def _conversation_or_404(sender: str) -> Any:
    conversation = console().transcripts.get(sender)
    if conversation is None:
        abort(404)
    return conversation


@bp.get("/c/<sender>")
@login_required
def transcript(sender: str) -> str:
    c = console()
    conversation = _conversation_or_404(sender)
    c.audit.record(g.advisor.name, "view", sender)
    return render_template(
        "console/transcript.html",
        conversation=conversation,
        messages=c.transcripts.messages(sender),
        notes=c.transcripts.notes(sender),
        handoff=c.handoff.get(sender),
        error=request.args.get("error"),
        intents=_domain()[0],
        corrections={x.message_id: x for x in c.transcripts.corrections(sender)},
    )


def _domain() -> tuple[list[str], list[str]]:
    cached = current_app.config.get("DOMAIN_NAMES")
    if cached is None:
        cached = domain_names(current_app.config["SETTINGS"].root / "domain")
        current_app.config["DOMAIN_NAMES"] = cached
    return cached


# -- improve the bot --------------------------------------------------------------------------
@bp.post("/m/<int:message_id>/correct")
@login_required
def correct(message_id: int) -> Any:
    c = console()
    message = c.transcripts.message(message_id)
    if message is None or message["kind"] != "user":
        abort(404)
    intents, entities = _domain()
    intent = request.form.get("intent", "")
    back = url_for("console.transcript", sender=message["sender"])
    if intent not in intents:
        return redirect(
            url_for("console.transcript", sender=message["sender"], error="Unbekannter Intent")
        )
    try:
        found = parse_entities(request.form.get("entities", ""), entities)
    except ValueError as exc:
        return redirect(url_for("console.transcript", sender=message["sender"], error=str(exc)))
    c.transcripts.correct(
        message_id, message["sender"], message["text"] or "", intent, found, g.advisor.name
    )
    c.audit.record(g.advisor.name, "correct", message["sender"], intent)
    return redirect(back + f"#m{message_id}")


@bp.get("/corrections.yml")
@login_required
def corrections_yaml() -> Response:
    c = console()
    c.audit.record(g.advisor.name, "export", None, "corrections as NLU YAML")
    return _attachment(
        nlu_yaml(c.transcripts.corrections()), "text/yaml", "console-corrections.yml"
    )


@bp.get("/c/<sender>/story.yml")
@login_required
def story(sender: str) -> Response:
    c = console()
    _conversation_or_404(sender)
    corrections = {x.message_id: x for x in c.transcripts.corrections(sender)}
    body = test_story(f"console {sender[:16]}", c.transcripts.messages(sender), corrections)
    c.audit.record(g.advisor.name, "export", sender, "test story")
    return _attachment(body, "text/yaml", f"test-story-{sender[:16]}.yml")


# -- live handoff -----------------------------------------------------------------------------
@bp.get("/handoffs")
@login_required
def handoffs() -> str:
    c = console()
    return render_template(
        "console/handoffs.html", queue=c.handoff.queue(), active=c.handoff.active()
    )


def _handoff_action(sender: str, action: str) -> Any:
    c = console()
    conversation = _conversation_or_404(sender)
    try:
        if action == "claim":
            c.handoff.claim(sender, conversation.channel, g.advisor.name)
        elif action == "send":
            text = request.form.get("text", "").strip()[:4000]
            if not text:
                return redirect(url_for("console.transcript", sender=sender))
            c.handoff.send(sender, conversation.channel, g.advisor.name, text)
        else:
            c.handoff.release(sender, conversation.channel, g.advisor.name)
    except DeliveryError as exc:
        return redirect(url_for("console.transcript", sender=sender, error=str(exc)))
    c.audit.record(g.advisor.name, f"handoff {action}", sender)
    return redirect(url_for("console.transcript", sender=sender) + "#takeover")


@bp.post("/c/<sender>/claim")
@login_required
def claim(sender: str) -> Any:
    return _handoff_action(sender, "claim")


@bp.post("/c/<sender>/send")
@login_required
def send(sender: str) -> Any:
    return _handoff_action(sender, "send")


@bp.post("/c/<sender>/release")
@login_required
def release(sender: str) -> Any:
    return _handoff_action(sender, "release")


@bp.get("/c/<sender>/live")
@login_required
def live(sender: str) -> Response:
    """New messages after ``after`` (a message id), for the open transcript to poll."""
    c = console()
    _conversation_or_404(sender)
    try:
        after = int(request.args.get("after", "0"))
    except ValueError:
        after = 0
    messages = [
        {"id": m["id"], "kind": m["kind"], "text": m["text"], "ts": m["ts"]}
        for m in c.transcripts.messages(sender)
        if m["id"] > after and m["kind"] in ("user", "bot", "advisor")
    ]
    return jsonify(messages=messages)


@bp.post("/c/<sender>/tags")
@login_required
def tags(sender: str) -> Any:
    c = console()
    _conversation_or_404(sender)
    tag = " ".join(request.form.get("tag", "").split())[:MAX_TAG]
    if tag:
        if request.form.get("remove") == "1":
            c.transcripts.remove_tag(sender, tag)
            c.audit.record(g.advisor.name, "untag", sender, tag)
        else:
            c.transcripts.add_tag(sender, tag)
            c.audit.record(g.advisor.name, "tag", sender, tag)
    return redirect(url_for("console.transcript", sender=sender))


@bp.post("/c/<sender>/notes")
@login_required
def notes(sender: str) -> Any:
    c = console()
    _conversation_or_404(sender)
    text = request.form.get("text", "").strip()[:MAX_NOTE]
    if text:
        c.transcripts.add_note(sender, g.advisor.name, text)
        c.audit.record(g.advisor.name, "note", sender)
    return redirect(url_for("console.transcript", sender=sender))


@bp.post("/c/<sender>/reviewed")
@login_required
def reviewed(sender: str) -> Any:
    c = console()
    _conversation_or_404(sender)
    value = request.form.get("reviewed") == "1"
    c.transcripts.set_reviewed(sender, value)
    c.audit.record(g.advisor.name, "reviewed" if value else "unreviewed", sender)
    return redirect(url_for("console.transcript", sender=sender))


@bp.post("/c/<sender>/delete")
@admin_required
def delete(sender: str) -> Any:
    c = console()
    _conversation_or_404(sender)
    eraser = current_app.config.get("ERASE_CONVERSATION")
    if eraser is not None:
        eraser(sender)  # in the tracker store too
    c.transcripts.delete(sender)
    c.audit.record(g.advisor.name, "delete", sender)
    return redirect(url_for("console.index"))


# -- exports ----------------------------------------------------------------------------------
EXPORT_FIELDS = ["sender", "ts", "kind", "text", "intent", "confidence", "entities", "name"]


def _rows(senders: list[str]) -> list[dict[str, Any]]:
    rows = []
    for sender in senders:
        for m in console().transcripts.messages(sender):
            rows.append(
                {
                    "sender": sender,
                    "ts": m["ts"],
                    "kind": m["kind"],
                    "text": m["text"],
                    "intent": m["intent"],
                    "confidence": m["confidence"],
                    "entities": m["entities"],
                    "name": m["name"],
                }
            )
    return rows


def _export(rows: list[dict[str, Any]], fmt: str, filename: str) -> Response:
    if fmt == "json":
        body = json.dumps(rows, ensure_ascii=False, indent=1)
        mimetype = "application/json"
    else:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
        writer.writeheader()
        for row in rows:
            cells = {**row, "entities": json.dumps(row["entities"], ensure_ascii=False)}
            # a cell starting with = + - @ is a formula in spreadsheets: make it text
            writer.writerow(
                {
                    k: f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v
                    for k, v in cells.items()
                }
            )
        body, mimetype = out.getvalue(), "text/csv"
    return _attachment(body, mimetype, f"{filename}.{fmt}")


@bp.get("/c/<sender>/export.<fmt>")
@login_required
def export_one(sender: str, fmt: str) -> Response:
    if fmt not in ("csv", "json"):
        abort(404)
    _conversation_or_404(sender)
    console().audit.record(g.advisor.name, "export", sender, fmt)
    return _export(_rows([sender]), fmt, f"conversation-{sender}")


@bp.get("/export.<fmt>")
@login_required
def export_many(fmt: str) -> Response:
    if fmt not in ("csv", "json"):
        abort(404)
    c = console()
    filters = Filters.from_args(request.args)
    senders = [conv.sender for conv in c.transcripts.all_matching(filters)]
    c.audit.record(g.advisor.name, "export", None, f"{fmt}: {len(senders)} conversations")
    return _export(_rows(senders), fmt, "conversations")


# -- administration ---------------------------------------------------------------------------
@bp.get("/admin")
@admin_required
def admin() -> str:
    c = console()
    return render_template(
        "console/admin.html",
        accounts=c.accounts.all(),
        audit=c.audit.entries(),
        roles=ROLES,
        error=request.args.get("error"),
    )


@bp.post("/admin/accounts")
@admin_required
def add_account() -> Any:
    c = console()
    try:
        c.accounts.add(
            request.form.get("name", ""),
            request.form.get("role", ""),
            request.form.get("password", ""),
        )
    except AccountError as exc:
        return redirect(url_for("console.admin", error=str(exc)))
    c.audit.record(g.advisor.name, "account added", None, request.form.get("name", ""))
    return redirect(url_for("console.admin"))


@bp.post("/admin/accounts/<name>")
@admin_required
def change_account(name: str) -> Any:
    c = console()
    if c.accounts.get(name) is None:
        abort(404)
    if name == g.advisor.name:
        return redirect(url_for("console.admin", error="Das eigene Konto ändern Sie hier nicht."))
    action = request.form.get("action", "")
    if action == "role" and request.form.get("role") in ROLES:
        c.accounts.set_role(name, request.form["role"])
    elif action in ("activate", "deactivate"):
        c.accounts.set_active(name, action == "activate")
    elif action == "remove":
        c.accounts.remove(name)
    else:
        abort(400)
    c.audit.record(g.advisor.name, f"account {action}", None, name)
    return redirect(url_for("console.admin"))


# -- for the network --------------------------------------------------------------------------
@bp.get("/dashboard")
@login_required
def dashboard_view() -> str:
    c = console()
    board = dashboard(c.transcripts.db)
    return render_template(
        "console/dashboard.html",
        board=board,
        per_day=bars([(d[5:], n) for d, n, _ in board.days]),
        conversations_per_day=bars([(d[5:], n) for d, _, n in board.days]),
        intents=bars(board.top_intents),
        rates=bars(
            [
                ("Fallback %", round(board.fallback_rate * 100)),
                ("Übergabe %", round(board.handoff_rate * 100)),
            ],
            width=300,
        ),
        feedback=bars(
            [("hilfreich", board.feedback_up), ("nicht hilfreich", board.feedback_down)],
            width=300,
        ),
    )


@bp.get("/gaps")
@login_required
def gaps_view() -> str:
    c = console()
    return render_template("console/gaps.html", gaps=gaps(c.transcripts.db))


def _demand_rows() -> list[Any]:
    return demand(current_app.config["SETTINGS"].demand_database)


@bp.get("/demand")
@login_required
def demand_view() -> str:
    return render_template("console/demand.html", rows=_demand_rows())


@bp.get("/demand.csv")
@login_required
def demand_csv() -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["topic", "region", "timeframe", "needs", "people"])
    for r in _demand_rows():
        writer.writerow([r.topic, r.region, r.timeframe, r.needs, r.people])
    console().audit.record(g.advisor.name, "export", None, "demand board")
    return _attachment(out.getvalue(), "text/csv", "demand.csv")


@bp.post("/views")
@login_required
def save_view() -> Any:
    """Keep the current filters under a name (per advisor)."""
    name = " ".join(request.form.get("name", "").split())[:60]
    query = request.form.get("query", "")[:1000]
    if name and query.startswith("/console/?"):
        console().transcripts.save_view(g.advisor.name, name, query)
    return redirect(query if query.startswith("/console/?") else url_for("console.index"))
