"""The order a node's choices are shown in: file order, or a seeded shuffle per attempt.

An attempt stores one seed; each visit to a node gets its own order from (seed, node id, visit), so a
resume, a review or a replay shows exactly what the trainee saw. The random generator is seeded from a
string, which Python hashes with SHA-512 (stable across processes, unlike `hash()`).
"""

from __future__ import annotations

import random
from typing import Sequence, TypeVar

T = TypeVar("T")


def shown_order(choices: Sequence[T], seed: int | None, node_id: str, visit: int = 0, *,
                pinned: bool = False) -> list[T]:
    """`choices` as shown to the trainee. File order when `seed` is None or the node is `pinned`
    (`shuffle: false`); otherwise a shuffle that depends only on (seed, node id, visit number)."""
    out = list(choices)
    if seed is None or pinned or len(out) < 2:
        return out
    random.Random(f"trainer-order:{int(seed)}:{node_id}:{int(visit)}").shuffle(out)
    return out


def order_report(seed: int | None) -> str | dict:
    """The `order` key of `trainer analyze` and `trainer simulate` JSON: which order the numbers count in."""
    return "file" if seed is None else {"seed": seed}


def node_order(node, choices: Sequence[T], seed: int | None, visit: int = 0) -> list[T]:
    """`shown_order` for a node's offered `choices`, honouring the node's `shuffle: false`."""
    return shown_order(choices, seed, node.id, visit, pinned=not getattr(node, "shuffle", True))


def visits(transcript, node_id: str) -> int:
    """How many times the attempt has already left `node_id`: the visit number of the current visit."""
    return sum(1 for step in transcript if (step["node"] if isinstance(step, dict) else step.node) == node_id)
