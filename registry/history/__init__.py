"""The registry's history, derived from git and never stored twice.

Each commit of the main line (first parents of a revision) that touches
``models/`` or ``registry.yaml`` is compared with its first parent, record
by record: the old and new contents are parsed and compared as values, so a
reformatted file is not a change. What changed becomes events:
``version_registered``, ``stage_changed``, ``alias_moved`` and so on.

A change that arrived through a merge is credited to the commit of the
merged branch that made it (its author and its ``Reason`` trailer), with
the merge, its pull-request number and who merged it alongside.

Where each idea lives:

- ``event``: :class:`Event`, :class:`EventKind` and the one table of what
  each kind means (its words, its effect on :func:`replay`, the stages it
  moves a version between);
- ``walk``: :func:`events`, the walk over the main line, with the parse
  cache, the per-process memo and the second process for long histories;
- ``rows``: the plain rows the cache keeps, and events made back from them;
- ``diff``: a commit's changed records turned into events;
- ``blobs``: records read by text, each blob once, each entry parsed once;
- ``messages``: the pull request and ``Reason`` a commit message names;
- ``queries``: shallow clones, and what a rollback asks.

The names below are the package's interface; the modules' ``_`` names are
its own.
"""

from __future__ import annotations

from registry.history.event import (
    KINDS as KINDS,
    Event as Event,
    EventKind as EventKind,
    KindRule as KindRule,
    changes_version as changes_version,
    phrase as phrase,
    replay as replay,
    stage_move as stage_move,
)
from registry.history.messages import pr_number as pr_number, reason_of as reason_of
from registry.history.queries import (
    previous_holder as previous_holder,
    shallow_start as shallow_start,
    shallow_warning as shallow_warning,
    stages_held as stages_held,
)
from registry.history.walk import events as events
