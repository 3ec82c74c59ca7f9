"""Telegram channel on python-telegram-bot 22: a bridge to Rasa's REST channel."""
