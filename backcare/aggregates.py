"""Check-in and session frames kept per block of four weeks, so a save rebuilds only what it touched.

The diary is cut into blocks of 28 days starting on Mondays (``BLOCK_DAYS``). For each block the
cache keeps the frame ``store.checkins_frame`` / ``sessions_frame`` (or the narrow analysis inputs)
made of it and the block's summary (``store.checkin_block_summaries`` / ``session_block_summaries``:
its row count and the random stamp that SQLite triggers replace with every write to the block, in
the same transaction (``store/fingerprints.py``), and for full session frames the type and movement
names). Asking for a range reads the summaries of the blocks it covers (one small row per block),
rebuilds the frames of blocks whose summary moved, and joins them (in pieces of about a year, each
kept until one of its blocks changes). A save today rebuilds one block instead of ten years; an
edit of an old week from another tab, the command line, an import or another program rebuilds
that week's block. The summary is read before the rows: a write in between leaves a summary older
than the frame, so the block is rebuilt once more, never kept stale.

``insights_inputs`` makes what the Insights page reads from the same blocks, reading each
table's summaries once: the model's day-by-day diary laid out per block (``analysis.diary.lay_out``,
kept per block until its check-ins or sessions change, merged per year and kept until one of the
year's blocks changes, then ``join_spans``), every session, and
the rows of the dose table's weeks.

Pure Python and pandas: no Streamlit (``ui/diary.py`` caches the joined frames per revision).
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from backcare import store
from backcare.store import Store

if TYPE_CHECKING:
    import pandas as pd

    from backcare.analysis.diary import DaySpan, Diary

BLOCK_DAYS, EPOCH = store.BLOCK_DAYS, store.EPOCH  # 28 days from Monday 1 January 0001 (the stamps')
block_of = store.block_of  # the number of the block a day falls in
GROUP_BLOCKS = 13  # 13 blocks of four weeks: a year
MAX_FILES = 4  # the own diary, the demo diary, and a little room; older files are forgotten

# (block number, serial) of every block a frame of a range was made of. Serials are never reused
# (one counter for every file and table), so equal sources mean equal rows.
Sources = tuple[tuple[int, int], ...]
MAX_RESULTS = 16  # ranges kept per file and table
Seen = dict[int, "store.Summary"]  # the summaries of a table's blocks, read once for a page
Reader = Callable[[Store, date | None, date | None], "pd.DataFrame"]
Summaries = Callable[[Store, date | None, date | None], dict[int, store.Summary]]
READERS: dict[str, tuple[Reader, Summaries]] = {
    "checkins": (store.checkins_frame, store.checkin_block_summaries),
    "sessions": (store.sessions_frame, store.session_block_summaries),
    # The analysis inputs (store/analysis_inputs.py): a few columns of the same rows, no names.
    "analysis_checkins": (store.analysis_checkins, store.checkin_block_summaries),
    "analysis_sessions": (
        store.analysis_sessions,
        lambda db, start, end: store.session_block_summaries(db, start, end, names=False),
    ),
}


def block_bounds(block: int) -> tuple[date, date]:
    """First and last day of a block."""
    first = EPOCH + timedelta(days=block * BLOCK_DAYS)
    return first, date.fromordinal(min(first.toordinal() + BLOCK_DAYS - 1, date.max.toordinal()))


def _join(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames one after the other, typed as one frame of the same rows would be. Always a new frame
    object (a shallow copy for one part: pandas copy-on-write keeps the cached parts intact). Empty
    parts (a block whose rows a REPLACE by another program moved away) are left out: an empty frame
    has its own dtypes."""
    import pandas as pd

    parts = [part for part in parts if len(part)] or parts[:1]
    if len(parts) == 1:
        return parts[0].copy(deep=False)
    joined = pd.concat(parts, ignore_index=True)
    # A text column with no values in one part is ``object`` there: infer it as a single frame would.
    # (from the dtypes: ``joined[name]`` per column is slow with pandas' text column labels)
    mixed = [str(name) for name, dtype in joined.dtypes.items() if str(dtype) == "object"]
    joined[mixed] = joined[mixed].infer_objects()
    return joined


def _read_blocks(db: Store, reader: Reader, numbers: list[int]) -> Iterator[tuple[int, pd.DataFrame]]:
    """Each block's frame as ``reader`` makes it. Neighbouring blocks are read with one query and cut
    by block: a first load of ten years is one query per table, not 130 (a tenth of the time)."""
    import numpy as np
    import pandas as pd

    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][-1] == number - 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    for run in runs:
        frame = reader(db, block_bounds(run[0])[0], block_bounds(run[-1])[1])
        if len(run) == 1:
            yield run[0], frame
            continue
        days = frame["date"].to_numpy().astype("datetime64[D]") - np.datetime64(EPOCH.isoformat())
        owner = days.astype(np.int64) // BLOCK_DAYS
        # A text or decimal column with no value in a block is, read alone, a column of None objects.
        inferred = [name for name, dtype in frame.dtypes.items() if str(dtype) in ("str", "float64")]
        filled = frame[inferred].notna().groupby(owner).any()
        bounds = np.searchsorted(owner, [*run, run[-1] + 1])  # the reader's rows are in date order
        for number, first, stop in zip(run, bounds[:-1], bounds[1:], strict=True):
            part = frame.iloc[first:stop].reset_index(drop=True)
            row = filled.loc[number].to_numpy() if number in filled.index else [True] * len(inferred)
            empty = [name for name, any_value in zip(inferred, row, strict=True) if not any_value]
            for column in empty:
                part[column] = pd.Series([None] * len(part), dtype=object)
            yield number, part


@dataclass
class _File:
    """What is cached for one table of one file."""

    # block number -> (summary it was built from, frame, serial)
    blocks: dict[int, tuple[store.Summary, pd.DataFrame, int]] = field(default_factory=dict)
    groups: dict[tuple[tuple[int, int], ...], pd.DataFrame] = field(default_factory=dict)
    # (start, end) -> (its blocks' serials, the frame given for them, its own serial): an unchanged
    # range gives the very same frame again, and ``version`` tells its callers so
    results: OrderedDict[tuple[date | None, date | None], tuple[Sources, pd.DataFrame, int]] = field(
        default_factory=OrderedDict
    )


class BlockCache:
    """Per file and table: each block's summary, frame and serial number, and joined groups of
    ``GROUP_BLOCKS`` blocks (about a year) keyed by their blocks' serials, so that joining ten
    years is ten pieces, not 130."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: OrderedDict[tuple[str, str], _File] = OrderedDict()
        self._serials = itertools.count()
        self.rebuilt = 0  # blocks rebuilt since creation (tests read it to see that work was reused)

    def _file(self, path: str, table: str) -> _File:
        cached = self._files.setdefault((path, table), _File())
        self._files.move_to_end((path, table))
        while len({file for file, _ in self._files}) > MAX_FILES:  # files, each with up to four tables
            self._files.popitem(last=False)
        return cached

    def frame(
        self, db: Store, path: str, table: str, start: date | None, end: date | None, seen: Seen | None = None
    ) -> pd.DataFrame:
        """The same frame as ``store.<table>_frame(db, start, end)``, rebuilt only for changed blocks
        (``seen``: the whole table's summaries already read by ``look``, not read again)."""
        import pandas as pd

        reader, summaries = READERS[table]
        first = block_bounds(block_of(start))[0] if start else None
        last = block_bounds(block_of(end))[1] if end else None
        if seen is None:
            summary = summaries(db, first, last)
        else:
            low, high = block_of(start) if start else -1, block_of(end) if end else None
            summary = {n: v for n, v in seen.items() if low <= n and (high is None or n <= high)}
        if not summary:
            return reader(db, start, end)  # nothing in range: the store's empty frame
        with self._lock:
            cached = self._updated(db, path, table, summary, whole=start is None and end is None)
            pieces: dict[int, list[tuple[int, int, pd.DataFrame]]] = {}
            for number in sorted(summary):
                block = cached.blocks[number]
                pieces.setdefault(number // GROUP_BLOCKS, []).append((number, block[2], block[1]))
            sources = tuple((number, cached.blocks[number][2]) for number in sorted(summary))
            kept = cached.results.get((start, end))
            if kept is not None and kept[0] == sources:
                cached.results.move_to_end((start, end))
                return kept[1]
            used = []
            for group in pieces.values():
                key = tuple((number, serial) for number, serial, _ in group)
                if key not in cached.groups:
                    cached.groups[key] = _join([frame for _, _, frame in group])
                used.append(key)
            parts = [cached.groups[key] for key in used]
            if len(cached.groups) > 2 * len(used) + 16:
                cached.groups = {key: cached.groups[key] for key in used}
        joined = _join(parts)
        keep = pd.Series(True, index=joined.index)
        if start is not None:
            keep &= joined["date"] >= pd.Timestamp(start)
        if end is not None:
            keep &= joined["date"] <= pd.Timestamp(end)
        if not keep.any():
            return reader(db, start, end)  # the store's empty frame (its dtypes differ when empty)
        result = joined if keep.all() else joined.loc[keep].reset_index(drop=True)
        with self._lock:
            cached.results[(start, end)] = (sources, result, next(self._serials))
            cached.results.move_to_end((start, end))
            while len(cached.results) > MAX_RESULTS:
                cached.results.popitem(last=False)
        return result

    @staticmethod
    def look(db: Store, table: str) -> Seen:
        """The summaries of every block of ``table``: several reads of one table for one page
        (``frame``, ``blocks``) then query them once."""
        return READERS[table][1](db, None, None)

    def blocks(self, db: Store, path: str, table: str, seen: Seen) -> dict[int, tuple[int, pd.DataFrame]]:
        """Every block of the whole diary in ``table`` (``seen``: ``look``'s summaries of it):
        number -> (serial, the block's frame as ``store.<table>`` makes it), rebuilt only where a
        write touched."""
        summary = seen
        with self._lock:
            cached = self._updated(db, path, table, summary, whole=True)
            return {
                number: (cached.blocks[number][2], cached.blocks[number][1]) for number in sorted(summary)
            }

    def _updated(
        self, db: Store, path: str, table: str, summary: dict[int, store.Summary], *, whole: bool
    ) -> _File:
        # Under the lock: rebuild the blocks of ``summary`` whose summary moved (``whole``: the
        # summaries of the whole diary, so blocks not in it are gone).
        cached = self._file(path, table)
        if whole:
            for number in set(cached.blocks) - set(summary):
                del cached.blocks[number]
        stale = [
            number
            for number in sorted(summary)
            if number not in cached.blocks or cached.blocks[number][0] != summary[number]
        ]
        for number, frame in _read_blocks(db, READERS[table][0], stale):
            cached.blocks[number] = (summary[number], frame, next(self._serials))
            self.rebuilt += 1
        return cached

    def version(self, frame: pd.DataFrame) -> int | None:
        """A number naming the rows of ``frame`` when it is a frame this cache gave and still keeps,
        else None. The number is never given to other rows: what was computed from a frame can be
        reused, after a save elsewhere in the diary, while the same number comes back."""
        with self._lock:
            for cached in self._files.values():
                for _, kept, serial in cached.results.values():
                    if kept is frame:
                        return serial
        return None


CACHE = BlockCache()


def checkins(db: Store, path: str, start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Check-ins in [start, end] (the same frame as ``store.checkins_frame``), reusing unchanged blocks."""
    return CACHE.frame(db, path, "checkins", start, end)


def sessions(db: Store, path: str, start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Sessions in [start, end] (the same frame as ``store.sessions_frame``), reusing unchanged blocks."""
    return CACHE.frame(db, path, "sessions", start, end)


SpanKey = tuple[int, int | None, int | None]  # (block number, check-in block serial, session block serial)
# (file) -> ({span key: the block's days laid out}, {the span keys of a year: those spans merged})
_SPANS: OrderedDict[str, tuple[dict[SpanKey, DaySpan], dict[tuple[SpanKey, ...], DaySpan]]] = OrderedDict()
_SPANS_LOCK = threading.Lock()


@dataclass(frozen=True)
class InsightsInputs:
    """What the Insights page reads, each table's summaries queried once."""

    diary: Diary  # the day-by-day diary of the model (``analysis.diary.build_diary`` of all rows)
    sessions: pd.DataFrame  # every session (``store.analysis_sessions``)
    recent: tuple[pd.DataFrame, pd.DataFrame]  # check-ins and sessions from ``dose_start``


def insights_inputs(db: Store, path: str) -> InsightsInputs:
    """The Insights page's inputs: the diary laid out per block (each block's days laid out once and
    kept until a write touches its check-ins or sessions, then joined: a few arrays, not frames),
    every session, and the rows of the weeks the dose table reads."""
    from backcare.analysis import dose_start
    from backcare.analysis.diary import join_spans, lay_out_many, merge_spans

    rated_seen, done_seen = CACHE.look(db, "analysis_checkins"), CACHE.look(db, "analysis_sessions")
    rated = CACHE.blocks(db, path, "analysis_checkins", rated_seen)
    done = CACHE.blocks(db, path, "analysis_sessions", done_seen)
    with _SPANS_LOCK:
        kept, kept_years = _SPANS.pop(path, ({}, {}))
    spans: dict[SpanKey, DaySpan | None] = {}
    for number in sorted(set(rated) | set(done)):
        checkins, sessions = rated.get(number), done.get(number)
        key = (number, checkins and checkins[0], sessions and sessions[0])
        spans[key] = kept.get(key)
    missing = [key for key, span in spans.items() if span is None]  # laid out together, in one pass
    made = lay_out_many(
        [
            (rated[n][1] if n in rated else None, done[n][1] if n in done else None, *block_bounds(n))
            for n, _, _ in missing
        ]
    )
    spans.update(zip(missing, made, strict=True))
    laid_out = {key: span for key, span in spans.items() if span is not None}
    years: dict[tuple[SpanKey, ...], DaySpan] = {}
    for _, keys in itertools.groupby(laid_out, key=lambda key: key[0] // GROUP_BLOCKS):
        year = tuple(keys)
        years[year] = kept_years.get(year) or merge_spans([laid_out[key] for key in year])
    with _SPANS_LOCK:
        _SPANS[path] = laid_out, years  # only the blocks and years of now: the rest is gone or rebuilt
        while len(_SPANS) > MAX_FILES:
            _SPANS.popitem(last=False)
    diary = join_spans(list(years.values()))
    since = dose_start(diary.days[-1].date()) if len(diary.days) else None
    return InsightsInputs(
        diary,
        CACHE.frame(db, path, "analysis_sessions", None, None, done_seen),
        (
            CACHE.frame(db, path, "analysis_checkins", since, None, rated_seen),
            CACHE.frame(db, path, "analysis_sessions", since, None, done_seen),
        ),
    )
