"""Every id on the admins' page (/admin), spelled once.

Used by ``layouts/admin.py`` (the components) and ``callbacks/admin.py`` (what the callbacks
read and write); the page has no script of its own.
"""

from __future__ import annotations

ACCOUNTS = "adm-accounts"
NEW_EMAIL = "adm-new-email"
NEW_ROLE = "adm-new-role"
NEW_PASSWORD = "adm-new-password"
CREATE = "adm-create"
ACCOUNT = "adm-account"
ROLE = "adm-role"
SET_ROLE = "adm-set-role"
DEACTIVATE = "adm-deactivate"
REACTIVATE = "adm-reactivate"
RESET_PASSWORD = "adm-reset-password"
RESET = "adm-reset"
ACCOUNT_MESSAGE = "adm-account-message"
AUDIT_FILTER = "adm-audit-filter"
EXPORT = "adm-export"
AUDIT = "adm-audit"
REFRESH = "adm-refresh"  # bumped by every account change that succeeded
