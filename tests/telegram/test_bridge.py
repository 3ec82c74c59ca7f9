"""The bridge's handlers driven with real Update objects; every Bot API call goes over HTTP
to the fake Bot API server; Rasa is an offline fake that records what it was sent."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from telegram import Update
from telegram.ext import AIORateLimiter, Application

from bot.telegram.bridge import TEXT_ONLY, UNAVAILABLE, TelegramBridge
from bot.telegram.identity import pseudonym
from bot.telegram.rasa_client import RasaUnavailable
from tests.telegram.fake_bot_api import FakeBotApiServer

KEY = b"test-key"
_update_ids = itertools.count(1)


class FakeRasa:
    def __init__(
        self, replies: list[dict[str, Any]] | None = None, down: bool = False, delay: float = 0
    ) -> None:
        self.replies: list[dict[str, Any]] = (
            replies if replies is not None else [{"text": "**Antwort**"}]
        )
        self.down = down
        self.delay = delay
        self.sent: list[tuple[str, str, dict[str, Any] | None]] = []

    async def send(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.down:
            raise RasaUnavailable("ConnectError")
        self.sent.append((sender, text, metadata))
        return self.replies


def make_update(
    text: str | None = "Hallo",
    *,
    user_id: int = 4711,
    chat_type: str = "private",
    lang: str = "de",
    update_id: int | None = None,
    photo: bool = False,
    callback: str | None = None,
    edited: bool = False,
) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "Test", "language_code": lang}
    chat = {"id": user_id if chat_type == "private" else -100, "type": chat_type}
    message: dict[str, Any] = {
        "message_id": 1,
        "date": int(time.time()),
        "chat": chat,
        "from": user,
    }
    if photo:
        message["photo"] = [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]
    elif text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
    update: dict[str, Any] = {"update_id": update_id or next(_update_ids)}
    if callback is not None:
        update["callback_query"] = {
            "id": "cb1",
            "from": user,
            "chat_instance": "x",
            "data": callback,
            "message": message,
        }
    elif edited:
        message["edit_date"] = int(time.time())
        update["edited_message"] = message
    else:
        update["message"] = message
    return update


@pytest.fixture
def server() -> Iterator[FakeBotApiServer]:
    with FakeBotApiServer() as s:
        yield s


@pytest.fixture
async def app(server: FakeBotApiServer) -> AsyncIterator[Application]:
    application = (
        Application.builder()
        .token("123:TEST")
        .base_url(server.base_url)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .build()
    )
    await application.initialize()
    yield application
    await application.shutdown()


async def feed(app: Application, bridge: TelegramBridge, data: dict[str, Any]) -> None:
    if not app.handlers:
        bridge.register(app)
    await app.process_update(Update.de_json(data, app.bot))


async def test_text_goes_to_rasa_under_a_pseudonym_and_comes_back_as_html(
    app: Application, server: FakeBotApiServer
) -> None:
    rasa = FakeRasa(
        [
            {
                "text": "**Qualifizierungsgeld** <script>x</script>",
                "buttons": [{"title": "Azubi", "payload": '/inform{"role": "apprentice"}'}],
            }
        ],
        delay=0.4,
    )
    bridge = TelegramBridge(rasa, KEY, typing_delay=0.1)
    update = make_update("Was ist das Qualifizierungsgeld?")
    await feed(app, bridge, update)
    assert rasa.sent == [
        (
            pseudonym(4711, KEY),
            "Was ist das Qualifizierungsgeld?",
            {"channel": "telegram", "language": "de", "mid": f"tg-{update['update_id']}"},
        )
    ]
    assert server.api.called("sendChatAction")[0]["action"] == "typing"
    sent = server.api.called("sendMessage")
    assert len(sent) == 1
    assert sent[0]["text"] == "<b>Qualifizierungsgeld</b> &lt;script&gt;x&lt;/script&gt;"
    assert sent[0]["parse_mode"] == "HTML"
    keyboard = json.loads(sent[0]["reply_markup"])["inline_keyboard"]
    assert keyboard == [[{"text": "Azubi", "callback_data": '/inform{"role": "apprentice"}'}]]


async def test_button_press_answers_query_removes_keyboard_and_sends_payload(
    app: Application, server: FakeBotApiServer
) -> None:
    rasa = FakeRasa()
    bridge = TelegramBridge(rasa, KEY)
    await feed(app, bridge, make_update(callback='/inform{"role": "apprentice"}'))
    assert server.api.called("answerCallbackQuery")[0]["callback_query_id"] == "cb1"
    edit = server.api.called("editMessageReplyMarkup")[0]
    assert "reply_markup" not in edit or json.loads(edit["reply_markup"]) == {"inline_keyboard": []}
    assert [t for _, t, _ in rasa.sent] == ['/inform{"role": "apprentice"}']


async def test_photo_gets_polite_text_request_in_users_language(
    app: Application, server: FakeBotApiServer
) -> None:
    rasa = FakeRasa()
    bridge = TelegramBridge(rasa, KEY)
    await feed(app, bridge, make_update(photo=True, lang="en"))
    assert rasa.sent == []
    assert [m["text"] for m in server.api.called("sendMessage")] == [TEXT_ONLY["en"]]


async def test_commands_map_to_intents(app: Application, server: FakeBotApiServer) -> None:
    rasa = FakeRasa()
    bridge = TelegramBridge(rasa, KEY)
    for command in ("/start", "/loeschen", "/berater", "/hilfe@foerderlotse_bot"):
        await feed(app, bridge, make_update(command))
    assert [t for _, t, _ in rasa.sent] == [
        "/greet",
        "/request_deletion",
        "/request_human",
        "/ask_capabilities",
    ]


async def test_groups_only_when_addressed(app: Application, server: FakeBotApiServer) -> None:
    rasa = FakeRasa()
    bridge = TelegramBridge(rasa, KEY, bot_username="foerderlotse_bot")
    await feed(app, bridge, make_update("Hallo zusammen", chat_type="group"))
    await feed(app, bridge, make_update("@foerderlotse_bot was ist QCG?", chat_type="group"))
    assert [t for _, t, _ in rasa.sent] == ["was ist QCG?"]


async def test_duplicate_update_is_processed_once(
    app: Application, server: FakeBotApiServer
) -> None:
    rasa = FakeRasa()
    bridge = TelegramBridge(rasa, KEY)
    data = make_update("Hallo", update_id=424242)
    await feed(app, bridge, data)
    await feed(app, bridge, data)
    assert len(rasa.sent) == 1
    assert len(server.api.called("sendMessage")) == 1


async def test_rasa_down_gives_a_polite_message(app: Application, server: FakeBotApiServer) -> None:
    bridge = TelegramBridge(FakeRasa(down=True), KEY)
    await feed(app, bridge, make_update("Hallo"))
    assert [m["text"] for m in server.api.called("sendMessage")] == [UNAVAILABLE["de"]]


async def test_429_with_retry_after_is_retried_and_delivered_once(
    app: Application, server: FakeBotApiServer
) -> None:
    server.api.fail("sendMessage", 429, times=1, retry_after=1)
    bridge = TelegramBridge(FakeRasa(), KEY)
    await feed(app, bridge, make_update("Hallo"))
    attempts = server.api.called("sendMessage")
    assert len(attempts) == 2  # the refused one and the retry
    assert attempts[0]["text"] == attempts[1]["text"] == "<b>Antwort</b>"


async def test_long_reply_is_split_and_too_long_input_refused(
    app: Application, server: FakeBotApiServer
) -> None:
    long_text = "\n\n".join(f"Absatz {i} " * 60 for i in range(20))
    rasa = FakeRasa([{"text": long_text}])
    bridge = TelegramBridge(rasa, KEY)
    await feed(app, bridge, make_update("erzähl mal"))
    parts = [m["text"] for m in server.api.called("sendMessage")]
    assert len(parts) >= 3
    assert all(len(p) <= 4096 for p in parts)
    await feed(app, bridge, make_update("x" * 2001))
    assert server.api.called("sendMessage")[-1]["text"].startswith("Ihre Nachricht ist zu lang")
    assert len(rasa.sent) == 1


async def test_500_then_success_is_retried(server: FakeBotApiServer) -> None:
    from bot.telegram.request import RetryingRequest

    sleeps: list[float] = []

    async def no_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    app = (
        Application.builder()
        .token("123:TEST")
        .base_url(server.base_url)
        .request(RetryingRequest(sleep=no_sleep))
        .build()
    )
    await app.initialize()
    try:
        server.api.fail("sendMessage", 500, times=2)
        message = await app.bot.send_message(4711, "Hallo")
        assert message.text == "Hallo"
        assert len(server.api.called("sendMessage")) == 3
        assert sleeps == [0.5, 1.0]
    finally:
        await app.shutdown()


async def test_persistent_network_failure_is_raised_after_the_attempts(
    server: FakeBotApiServer,
) -> None:
    from telegram.error import NetworkError

    from bot.telegram.request import RetryingRequest

    async def no_sleep(seconds: float) -> None:
        return None

    request = RetryingRequest(attempts=3, sleep=no_sleep)
    app = (
        Application.builder()
        .token("123:TEST")
        .base_url("http://127.0.0.1:9/bot")
        .request(request)
        .build()
    )
    with pytest.raises(NetworkError):
        await app.bot.get_me()


async def test_network_timeout_is_retried_and_the_reply_sent_once(server: FakeBotApiServer) -> None:
    from bot.telegram.app import build_application

    app, _bridge = build_application(
        "123:TEST", FakeRasa(), KEY, base_url=server.base_url, backoff=0.01, read_timeout=0.5
    )
    await app.initialize()
    try:
        server.api.stall("sendMessage", seconds=1.5)
        await app.process_update(Update.de_json(make_update("Hallo"), app.bot))
        assert server.api.stalled == ["sendMessage"]
        assert [m["text"] for m in server.api.called("sendMessage")] == ["<b>Antwort</b>"]
    finally:
        await app.shutdown()


async def test_edited_message_is_answered_as_the_corrected_question(
    app: Application, server: FakeBotApiServer
) -> None:
    rasa = FakeRasa()
    bridge = TelegramBridge(rasa, KEY)
    await feed(app, bridge, make_update("Was ist QCG"))
    await feed(app, bridge, make_update("Was ist das QCG?", edited=True))
    assert [t for _, t, _ in rasa.sent] == ["Was ist QCG", "Was ist das QCG?"]
    assert len(server.api.called("sendMessage")) == 2


async def test_control_messages_keep_and_forget_the_chat_and_are_never_shown(
    app: Application, server: FakeBotApiServer
) -> None:
    from bot.telegram.chats import ChatDirectory

    chats = ChatDirectory(":memory:")
    rasa = FakeRasa([{"text": "Antwort"}])
    bridge = TelegramBridge(rasa, KEY, chats=chats)
    sender = pseudonym(4711, KEY)
    await feed(app, bridge, make_update("Hallo"))  # an ordinary message: nothing is kept
    assert chats.lookup(sender) is None
    rasa.replies = [{"text": "Ich habe notiert ..."}, {"custom": {"control": "handoff"}}]
    await feed(app, bridge, make_update("/berater", lang="en"))
    address = chats.lookup(sender)
    assert address is not None
    assert (address.chat_id, address.language) == (4711, "en")
    assert [m["text"] for m in server.api.called("sendMessage")][-1] == "Ich habe notiert ..."

    assert await bridge.deliver_advisor_message(sender, "Hallo <b>Frau</b> X", "Anna Berg")
    advisor = server.api.called("sendMessage")[-1]
    assert int(advisor["chat_id"]) == 4711
    assert advisor["text"] == (
        "<b>💬 Message from Anna Berg (personal advice):</b>\nHallo &lt;b&gt;Frau&lt;/b&gt; X"
    )

    rasa.replies = [{"text": "Gelöscht."}, {"custom": {"control": "erased"}}]
    await feed(app, bridge, make_update("ja"))
    assert chats.lookup(sender) is None
    assert not await bridge.deliver_advisor_message(sender, "Noch da?", "Anna Berg")
    assert len(server.api.called("sendMessage")) == 4


async def test_fast_answers_need_no_typing_indicator(
    app: Application, server: FakeBotApiServer
) -> None:
    bridge = TelegramBridge(FakeRasa(), KEY, typing_delay=0.2)
    await feed(app, bridge, make_update("Hallo"))
    assert server.api.called("sendChatAction") == []
    assert [m["text"] for m in server.api.called("sendMessage")] == ["<b>Antwort</b>"]


async def test_slow_rasa_down_after_typing_still_gets_the_polite_message(
    app: Application, server: FakeBotApiServer
) -> None:
    server.api.fail("sendChatAction", 400)  # and the typing indicator itself fails
    bridge = TelegramBridge(FakeRasa(down=True, delay=0.3), KEY, typing_delay=0.05)
    await feed(app, bridge, make_update("Hallo"))
    assert len(server.api.called("sendChatAction")) == 1
    assert [m["text"] for m in server.api.called("sendMessage")] == [UNAVAILABLE["de"]]


async def test_a_fast_writer_is_slowed_down_not_cut_off(
    app: Application, server: FakeBotApiServer
) -> None:
    from bot.ratelimit import RateLimit, SenderRateLimiter

    rasa = FakeRasa()
    # 2 at once, then one every 0.3 s: the third message waits its turn, nothing is lost
    bridge = TelegramBridge(rasa, KEY, limiter=SenderRateLimiter(RateLimit(2, 200)))
    started = time.monotonic()
    for text in ("eins", "zwei", "drei"):
        await feed(app, bridge, make_update(text))
    assert [t for _, t, _ in rasa.sent] == ["eins", "zwei", "drei"]
    assert time.monotonic() - started >= 0.25


async def test_a_flood_is_told_to_wait(app: Application, server: FakeBotApiServer) -> None:
    from bot.channels.texts import TOO_FAST
    from bot.ratelimit import RateLimit, SenderRateLimiter

    rasa = FakeRasa()
    # a limit that would make the chat wait longer than MAX_WAIT: the user is told instead
    slow = TelegramBridge(rasa, KEY, limiter=SenderRateLimiter(RateLimit(1, 1)))
    await feed(app, slow, make_update("vier"))
    await feed(app, slow, make_update("fünf"))
    assert [t for _, t, _ in rasa.sent] == ["vier"]
    assert server.api.called("sendMessage")[-1]["text"] == TOO_FAST["de"]
