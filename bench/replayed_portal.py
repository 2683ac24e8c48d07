"""data.kcmo.org's answers for a sync, from records made by the caller: the network edge only,
shared by the bench's sync timing and the tests that sync the real sample."""

from __future__ import annotations


class ReplayedPortal:
    """Stands in for sodapy's ``Socrata`` client: the dataset's columns, and the records a
    page at a time, as SODA pages them by ``offset`` and ``limit``."""

    def __init__(self, records: list[dict], fields: list[str]):
        self.records, self.fields = records, fields

    def get_metadata(self, _dataset):
        return {"columns": [{"fieldName": f} for f in self.fields]}

    def get(self, _dataset, **query):
        offset, limit = int(query["offset"]), int(query["limit"])
        return self.records[offset:offset + limit]

    def close(self):
        pass
