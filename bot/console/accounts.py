"""Advisor accounts: argon2 password hashes, roles advisor/admin, no default account."""

from __future__ import annotations

import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.console.db import Database

ROLES = ("advisor", "admin")
MIN_PASSWORD = 12
_hasher = PasswordHasher()
# verifying against this keeps the time of a login for an unknown name like a real one
_DUMMY = _hasher.hash("not-a-password-of-anyone")


class AccountError(ValueError):
    pass


@dataclass(frozen=True)
class Advisor:
    name: str
    role: str
    active: bool = True

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")


class AccountStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, name: str, role: str, password: str) -> Advisor:
        name = name.strip()
        if not name or len(name) > 80 or not name.isprintable():
            raise AccountError("the name must be 1 to 80 printable characters")
        if role not in ROLES:
            raise AccountError(f"the role must be one of {', '.join(ROLES)}")
        check_password(password)
        if self.get(name) is not None:
            raise AccountError(f"an account named {name!r} exists already")
        with self.db.tx() as conn:
            conn.execute(
                "INSERT INTO advisors (name, role, pw_hash, created) VALUES (?, ?, ?, ?)",
                (name, role, _hasher.hash(password), time.time()),
            )
        return Advisor(name, role)

    def get(self, name: str) -> Advisor | None:
        rows = self.db.query("SELECT name, role, active FROM advisors WHERE name = ?", (name,))
        return Advisor(rows[0]["name"], rows[0]["role"], bool(rows[0]["active"])) if rows else None

    def all(self) -> list[Advisor]:
        return [
            Advisor(r["name"], r["role"], bool(r["active"]))
            for r in self.db.query("SELECT name, role, active FROM advisors ORDER BY name")
        ]

    def verify(self, name: str, password: str) -> Advisor | None:
        rows = self.db.query("SELECT pw_hash, active FROM advisors WHERE name = ?", (name,))
        stored = rows[0]["pw_hash"] if rows else _DUMMY
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if not rows or not rows[0]["active"]:
            return None
        if _hasher.check_needs_rehash(stored):
            with self.db.tx() as conn:
                conn.execute(
                    "UPDATE advisors SET pw_hash = ? WHERE name = ?", (_hasher.hash(password), name)
                )
        return self.get(name)

    def set_password(self, name: str, password: str) -> None:
        check_password(password)
        with self.db.tx() as conn:
            if (
                conn.execute(
                    "UPDATE advisors SET pw_hash = ? WHERE name = ?", (_hasher.hash(password), name)
                ).rowcount
                != 1
            ):
                raise AccountError(f"no account named {name!r}")

    def set_role(self, name: str, role: str) -> None:
        if role not in ROLES:
            raise AccountError(f"the role must be one of {', '.join(ROLES)}")
        with self.db.tx() as conn:
            conn.execute("UPDATE advisors SET role = ? WHERE name = ?", (role, name))

    def set_active(self, name: str, active: bool) -> None:
        with self.db.tx() as conn:
            conn.execute("UPDATE advisors SET active = ? WHERE name = ?", (int(active), name))

    def remove(self, name: str) -> bool:
        with self.db.tx() as conn:
            return conn.execute("DELETE FROM advisors WHERE name = ?", (name,)).rowcount == 1
