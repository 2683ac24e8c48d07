"""Questions from social media: one small source class per network, one ingestion loop for all."""

from kcstat_dash.services.social.ingest import (
    CursorState,
    IngestError,
    IngestReport,
    current_cursor,
    ingest,
)
from kcstat_dash.services.social.source import (
    CursorRejected,
    Page,
    Post,
    RateLimited,
    SocialSource,
    SourceError,
    SourceFatal,
    SourceMalformed,
    SourceUnavailable,
)

__all__ = [
    "CursorRejected", "CursorState", "IngestError", "IngestReport", "Page", "Post",
    "RateLimited", "SocialSource", "SourceError", "SourceFatal", "SourceMalformed",
    "SourceUnavailable", "current_cursor", "ingest",
]
