"""The SQL of migration m005's block-stamp triggers (``backcare.store.schema.m005_block_stamps``).

Written out here, not shared with later code: a shipped migration must never change. The restore
check reads ``TRIGGER_NAMES`` to tell backcare's triggers from any other.
"""

from __future__ import annotations

# m005: a day's 28-day block (``backcare.store.block_of``: days since Monday 1 January 0001,
# in blocks of 28), and the triggers that keep ``block_stamps`` in step with every write. The SQL is
# written out here, not shared with later code: a shipped migration must never change.
M005_BLOCK = "CAST(julianday({day}) - julianday('0001-01-01') AS INTEGER) / 28"
# The block's rows counted from its dates' range (an index look-up), exact whatever came before.
_M005_COUNT = (
    "(SELECT count(*) FROM {table} WHERE date BETWEEN date('0001-01-01', '+' || ({block} * 28) || ' days') "
    "AND date('0001-01-01', '+' || ({block} * 28 + 27) || ' days'))"
)
_M005_ADD = (
    "INSERT INTO block_stamps (tbl, block, rows, stamp) SELECT '{table}', {block}, "
    + _M005_COUNT
    + ", random() "
    "WHERE julianday({day}) IS NOT NULL "
    "ON CONFLICT (tbl, block) DO UPDATE SET rows = excluded.rows, stamp = excluded.stamp;"
)
_M005_REMOVE = (
    "UPDATE block_stamps SET rows = "
    + _M005_COUNT
    + ", stamp = random() WHERE tbl = '{table}' AND block = {block};"
)
# A REPLACE (INSERT OR REPLACE, UPDATE OR REPLACE) deletes the rows it conflicts with without firing
# a delete trigger, and such a row may lie in another block: before the write, the blocks of the rows
# it could replace get a new stamp and an unknown count (NULL, read as "has rows"), counted again by
# the next write to that block. A write that then does nothing (DO NOTHING, IGNORE) only costs a
# rebuild of those blocks.
_M005_CONFLICTS = {  # the rows an insert could replace, and when an update could replace any
    "checkins": ("FROM checkins c WHERE c.rowid = NEW.rowid OR c.date = NEW.date",
                 "NEW.rowid IS NOT OLD.rowid OR NEW.date IS NOT OLD.date"),
    "sessions": ("FROM sessions s WHERE s.id = NEW.id OR (s.source = NEW.source AND s.source_id = NEW.source_id)",
                 "NEW.id IS NOT OLD.id OR NEW.source IS NOT OLD.source OR NEW.source_id IS NOT OLD.source_id"),
}  # fmt: skip
# A movement replaced by id may belong to a session in another block: that block gets a new stamp.
_M005_MOVEMENT_CONFLICTS = (
    "UPDATE block_stamps SET stamp = random() WHERE tbl = 'sessions' AND block IN "
    "(SELECT {block} FROM session_movements sm JOIN sessions s ON s.id = sm.session_id WHERE sm.id = NEW.id);"
)
_M005_UNKNOWN = (
    "UPDATE block_stamps SET rows = NULL, stamp = random() WHERE tbl = '{table}' AND block IN ({rows});"
)
_M005_TOUCH = (
    "UPDATE block_stamps SET stamp = random() WHERE tbl = 'sessions' AND block = "
    "(SELECT {block} FROM sessions s WHERE s.id = {session});"
)
# Pages key their caches on meta's revision: a write by another program must move it too.
_M005_REVISION = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';"


def m005_triggers() -> list[str]:
    """The CREATE TRIGGER statements of m005, in order."""
    triggers = []
    for table, noun, alias in (("checkins", "checkin", "c"), ("sessions", "session", "s")):
        new = {"table": table, "day": "NEW.date", "block": M005_BLOCK.format(day="NEW.date")}
        old = {"table": table, "day": "OLD.date", "block": M005_BLOCK.format(day="OLD.date")}
        rows, changed_key = _M005_CONFLICTS[table]
        unknown = _M005_UNKNOWN.format(
            table=table, rows=f"SELECT {M005_BLOCK.format(day=f'{alias}.date')} {rows}"
        )
        triggers += [
            f"CREATE TRIGGER block_stamp_{noun}_before_insert BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 {rows}) BEGIN {unknown} END",
            f"CREATE TRIGGER block_stamp_{noun}_before_update BEFORE UPDATE ON {table} "
            f"WHEN {changed_key} BEGIN {unknown} END",
            f"CREATE TRIGGER block_stamp_{noun}_insert AFTER INSERT ON {table} BEGIN "
            f"{_M005_ADD.format(**new)} {_M005_REVISION} END",
            f"CREATE TRIGGER block_stamp_{noun}_update AFTER UPDATE ON {table} BEGIN "
            f"{_M005_REMOVE.format(**old)} {_M005_ADD.format(**new)} {_M005_REVISION} END",
            f"CREATE TRIGGER block_stamp_{noun}_delete AFTER DELETE ON {table} BEGIN "
            f"{_M005_REMOVE.format(**old)} {_M005_REVISION} END",
        ]
    block = M005_BLOCK.format(day="s.date")
    replaced = _M005_MOVEMENT_CONFLICTS.format(block=block)
    for event, when in (
        ("insert", "EXISTS (SELECT 1 FROM session_movements WHERE id = NEW.id)"),
        ("update", "NEW.id IS NOT OLD.id"),
    ):
        triggers.append(
            f"CREATE TRIGGER block_stamp_movement_before_{event} BEFORE {event.upper()} ON session_movements "
            f"WHEN {when} BEGIN {replaced} END"
        )
    for event, versions in (("insert", ("NEW",)), ("update", ("OLD", "NEW")), ("delete", ("OLD",))):
        touches = " ".join(_M005_TOUCH.format(block=block, session=f"{row}.session_id") for row in versions)
        triggers.append(
            f"CREATE TRIGGER block_stamp_movement_{event} AFTER {event.upper()} ON session_movements "
            f"BEGIN {touches} {_M005_REVISION} END"
        )
    return triggers


TRIGGER_NAMES = frozenset(
    statement.split()[2] for statement in m005_triggers()
)  # every trigger backcare makes
