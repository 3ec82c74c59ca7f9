"""Handlers that carry Telegram updates to Rasa and the replies back.

A bridge to Rasa's REST channel rather than a custom Rasa input channel: the Telegram side
runs on python-telegram-bot (rate limiter, retries, polling or webhook) in its own process,
and Rasa stays unchanged (its own Telegram channel uses aiogram).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.texts import MAX_MESSAGE, TOO_FAST, TOO_LONG, UNAVAILABLE, clean_text
from bot.dedupe import RecentKeys
from bot.ratelimit import SenderRateLimiter
from bot.telegram.chats import ChatDirectory
from bot.telegram.formatting import advisor_messages, notice_message, render
from bot.telegram.identity import pseudonym
from bot.telegram.rasa_client import RasaClient, RasaUnavailable

logger = logging.getLogger(__name__)

# Telegram command -> what Rasa receives (an intent payload)
COMMANDS: dict[str, str] = {
    "start": "/greet",
    "hilfe": "/ask_capabilities",
    "help": "/ask_capabilities",
    "datenschutz": "/ask_privacy",
    "loeschen": "/request_deletion",
    "neustart": "/restart",
    "berater": "/request_human",
}
COMMAND_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "de": {
        "start": "Begrüßung, Datenschutz, was ich kann",
        "hilfe": "Was kann der Förderlotse?",
        "datenschutz": "Was wird gespeichert?",
        "loeschen": "Meinen Verlauf löschen",
        "neustart": "Gespräch neu beginnen",
        "berater": "Mit einem Menschen sprechen",
    },
    "en": {
        "start": "Welcome, privacy, what I can do",
        "hilfe": "What can you do?",
        "datenschutz": "What is stored?",
        "loeschen": "Erase my conversation",
        "neustart": "Start over",
        "berater": "Talk to a person",
    },
}
TEXT_ONLY = {
    "de": "Bitte schreiben Sie Ihre Frage als Text. Bilder, Sprachnachrichten und Dateien kann ich nicht lesen.",
    "en": "Please type your question as text. I cannot read pictures, voice messages or files.",
}
# a chat over the rate limit waits this long at most (its messages keep their order), then
# is asked to send again
MAX_WAIT = 20.0


def user_language(update: Update) -> str:
    code = (update.effective_user.language_code or "de") if update.effective_user else "de"
    return "de" if code.lower().startswith("de") else "en" if code else "de"


class TelegramBridge:
    def __init__(
        self,
        rasa: RasaClient,
        key: bytes,
        *,
        chats: ChatDirectory | None = None,
        bot_username: str | None = None,
        seen: int = 10_000,
        typing_delay: float = 0.25,
        limiter: SenderRateLimiter | None = None,
    ) -> None:
        self.rasa = rasa
        self.key = key
        self.chats = chats if chats is not None else ChatDirectory(":memory:")
        self.bot_username = bot_username
        # the typing indicator only when Rasa takes longer than this (saves one API call of
        # the 30/s budget for every fast answer)
        self.typing_delay = typing_delay
        self._app: Application | None = None
        self._seen = RecentKeys(seen)  # update ids
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self.limiter = limiter or SenderRateLimiter()  # per chat, on what users send

    # -- wiring -----------------------------------------------------------------------------
    def register(self, app: Application) -> None:
        self._app = app
        app.add_handler(CommandHandler(list(COMMANDS), self.on_command))
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.on_text))
        app.add_handler(
            MessageHandler(
                ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, self.on_other
            )
        )
        app.add_error_handler(self.on_error)

    def first_time(self, update: Update) -> bool:
        """Each update is handled once (webhook retries, restarts of polling)."""
        return self._seen.first_time(update.update_id)

    def addressed(self, update: Update) -> bool:
        """Private chats always; in groups only when mentioned or replied to."""
        chat, message = update.effective_chat, update.effective_message
        if chat is None or message is None:
            return False
        if chat.type == ChatType.PRIVATE:
            return True
        text = message.text or ""
        mentioned = bool(self.bot_username) and f"@{self.bot_username}".lower() in text.lower()
        reply = message.reply_to_message
        replied = reply is not None and reply.from_user is not None and reply.from_user.is_bot
        return mentioned or replied

    # -- handlers ---------------------------------------------------------------------------
    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not self.first_time(update) or not self.addressed(update):
            return
        text = clean_text(message.text or "")
        if self.bot_username:
            text = text.replace(f"@{self.bot_username}", "").strip()
        if len(text) > MAX_MESSAGE:
            await message.reply_text(TOO_LONG[user_language(update)])
            return
        await self.relay(update, context, text)

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not self.first_time(update) or not self.addressed(update):
            return
        command = (message.text or "").split()[0].lstrip("/").split("@")[0].lower()
        await self.relay(update, context, COMMANDS.get(command, "/ask_capabilities"))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or not self.first_time(update):
            return
        await query.answer()
        if query.message is not None:
            # the keyboard goes away, so a button cannot be pressed twice
            await context.bot.edit_message_reply_markup(
                chat_id=query.message.chat.id,
                message_id=query.message.message_id,
                reply_markup=None,
            )
        await self.relay(update, context, query.data or "")

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not self.first_time(update) or not self.addressed(update):
            return
        await message.reply_text(TEXT_ONLY[user_language(update)])

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """One error sink: log without message content; tell the user something neutral."""
        logger.error("error while handling a Telegram update", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(
                    update.effective_chat.id, UNAVAILABLE[user_language(update)]
                )
            except Exception:
                logger.warning("could not tell the user about the error")

    # -- the round trip ---------------------------------------------------------------------
    async def relay(self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or not text:
            return
        # updates run concurrently across chats, but one chat's messages keep their order
        # (one small lock per chat; kept, so a waiting message can never lose its place)
        async with self._chat_locks.setdefault(chat.id, asyncio.Lock()):
            wait = self.limiter.acquire(chat.id)
            while 0 < wait <= MAX_WAIT:  # a fast writer is slowed down, not cut off
                await asyncio.sleep(wait)
                wait = self.limiter.acquire(chat.id)
            if wait > 0:
                await context.bot.send_message(chat.id, TOO_FAST[user_language(update)])
                return
            await self._round_trip(update, context, text)

    async def deliver_advisor_message(self, sender: str, text: str, advisor: str) -> bool:
        """Send a human advisor's message to the chat behind ``sender`` (a pseudonym), marked
        as from the advisor. False when no chat is known (no handoff asked, or erased)."""
        address = self.chats.lookup(sender)
        if address is None or self._app is None:
            return False
        async with self._chat_locks.setdefault(address.chat_id, asyncio.Lock()):
            for part in advisor_messages(text, advisor, address.language):
                await self._app.bot.send_message(address.chat_id, part, parse_mode=ParseMode.HTML)
        return True

    async def _typing(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
        try:
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as exc:  # only a courtesy: never lose the answer over it
            logger.warning("typing indicator not sent (%s)", type(exc).__name__)

    async def deliver_notice(self, sender: str, kind: str, advisor: str) -> bool:
        """A takeover notice (``handoff_active`` / ``handoff_ended``) to the chat behind
        ``sender``; False when no chat is known."""
        address = self.chats.lookup(sender)
        if address is None or self._app is None:
            return False
        async with self._chat_locks.setdefault(address.chat_id, asyncio.Lock()):
            await self._app.bot.send_message(
                address.chat_id,
                notice_message(kind, advisor, address.language),
                parse_mode=ParseMode.HTML,
            )
        return True

    def _apply_controls(
        self, replies: list[dict[str, Any]], sender: str, chat_id: int, language: str
    ) -> None:
        """Control messages from the actions (Rasa ``custom`` payloads), never shown."""
        for reply in replies:
            custom = reply.get("custom")
            control = custom.get("control") if isinstance(custom, dict) else None
            if control == "handoff":
                self.chats.remember(sender, chat_id, language)
            elif control == "erased":
                self.chats.forget(sender)

    async def _round_trip(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str
    ) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        sender = pseudonym(user.id, self.key)
        metadata: dict[str, Any] = {
            "channel": "telegram",
            "language": user_language(update),
            # Telegram delivers an update again after a restart: Rasa answers it once
            "mid": f"tg-{update.update_id}",
        }
        call = asyncio.ensure_future(self.rasa.send(sender, text, metadata))
        try:
            await asyncio.wait_for(asyncio.shield(call), self.typing_delay)
        except asyncio.TimeoutError:
            await self._typing(context, chat.id)
        except RasaUnavailable:
            pass  # handled below
        try:
            replies = await call
        except RasaUnavailable:
            await context.bot.send_message(chat.id, UNAVAILABLE[user_language(update)])
            return
        self._apply_controls(replies, sender, chat.id, user_language(update))
        for out in render(replies):
            markup = (
                InlineKeyboardMarkup(
                    [
                        [InlineKeyboardButton(title, callback_data=data)]
                        for title, data in out.buttons
                    ]
                )
                if out.buttons
                else None
            )
            await context.bot.send_message(
                chat.id,
                out.html,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                disable_web_page_preview=True,
            )
