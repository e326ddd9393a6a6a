"""The audit key the tests sign with (fictional), and the chain built on it."""

from __future__ import annotations

from bot.adapters.db.audit_key import AuditKey
from bot.adapters.db.audit_repository import AuditChain

TEST_AUDIT_KEY_TEXT = "fictional-test-audit-key-0123456789abcdef"
TEST_AUDIT_KEY = AuditKey(TEST_AUDIT_KEY_TEXT.encode())
TEST_AUDIT_CHAIN = AuditChain(TEST_AUDIT_KEY)
