"""Flask extensions, created unbound here and attached to the server in ``create_app``."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from kcstat_dash.db import Database

db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
# Storage is chosen in create_app: Redis when REDIS_URL is set (shared by every worker),
# otherwise this process's memory.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
