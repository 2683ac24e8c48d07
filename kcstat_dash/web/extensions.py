"""Flask extensions, created unbound here and attached to the server in ``create_app``."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

# The domain's one Database, named here beside the Flask extensions so that web code finds
# every extension in one place; create_app configures it and removes its session per request.
from kcstat_dash.db import db

__all__ = ["csrf", "db", "limiter", "login_manager"]

login_manager = LoginManager()
csrf = CSRFProtect()
# Storage is chosen in create_app: Redis when REDIS_URL is set, otherwise the app's own
# database (rate_limit_storage.py, table rate_limit_counter). Either is shared by every worker;
# the limits are never kept in one process's memory.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
