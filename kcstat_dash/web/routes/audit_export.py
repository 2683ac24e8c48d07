"""``GET /admin/audit.csv``: the audit log as CSV, for admins only."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, request

from kcstat_dash.services import audit
from kcstat_dash.services.accounts import ADMIN
from kcstat_dash.web.auth import require_role
from kcstat_dash.web.extensions import db

blueprint = Blueprint("audit_export", __name__)


@blueprint.get("/admin/audit.csv")
def audit_csv():
    require_role(*ADMIN)
    body = audit.export_csv(db.session, action=request.args.get("action") or None,
                            entity=request.args.get("entity") or None)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%MZ")
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="kcstat-audit-{stamp}.csv"',
        "Cache-Control": "no-store"})
