"""Choice order: file order without a seed, a reproducible per-visit shuffle with one, and `shuffle: false`."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from trainer.play.order import node_order, shown_order, visits
from trainer.scenario.loader import check_file, load_scenario

CHOICES = [f"c{i}" for i in range(6)]


def test_no_seed_keeps_file_order():
    assert shown_order(CHOICES, None, "opening") == CHOICES
    assert shown_order(CHOICES, None, "opening", 3) == CHOICES


@given(st.integers(-2**63, 2**63), st.text(min_size=1, max_size=20), st.integers(0, 50))
def test_seeded_order_is_a_reproducible_permutation(seed, node, visit):
    first = shown_order(CHOICES, seed, node, visit)
    assert sorted(first) == sorted(CHOICES)
    assert shown_order(list(CHOICES), seed, node, visit) == first


def test_order_varies_with_seed_node_and_visit():
    orders = {tuple(shown_order(CHOICES, seed, "n", 0)) for seed in range(40)}
    assert len(orders) > 20
    assert len({tuple(shown_order(CHOICES, 7, f"n{i}", 0)) for i in range(20)}) > 10
    assert len({tuple(shown_order(CHOICES, 7, "n", v)) for v in range(20)}) > 10
    # the best answer (say the first in the file) lands in every position across seeds
    assert {shown_order(CHOICES, seed, "n").index("c0") for seed in range(60)} == set(range(6))


def test_order_is_the_same_in_another_process():
    """Seeds are built from strings, never from `hash()`, which Python salts per process."""
    code = ("from trainer.play.order import shown_order; "
            "print(shown_order(list('abcdef'), 12345, 'verify', 2))")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": str(salt), "PATH": ""}).stdout for salt in (1, 2, 3)}
    assert len(runs) == 1
    assert runs.pop().strip() == str(shown_order(list("abcdef"), 12345, "verify", 2))


def test_pinned_node_keeps_file_order(write):
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    plain = load_scenario(write(text, "plain.yaml"))
    node = next(iter(plain.nodes.values()))
    assert node.shuffle is True
    pinned_text = text.replace("    choices:", "    shuffle: false\n    choices:", 1)
    pinned = load_scenario(write(pinned_text, "pinned.yaml"))
    pinned_node = pinned.nodes[node.id]
    assert pinned_node.shuffle is False
    many = CHOICES  # node_order reads only the node's id and its shuffle flag
    assert node_order(pinned_node, many, 99) == many
    assert any(node_order(node, many, seed) != many for seed in range(5))


def test_shuffle_must_be_true_or_false(write):
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    scenario, report = check_file(write(text.replace("    choices:", "    shuffle: 'no'\n    choices:", 1)))
    assert scenario is None
    message = " ".join(d.format() for d in report.errors)
    assert "'shuffle' must be true or false" in message


def test_visit_number_counts_earlier_steps_at_the_node():
    steps = [{"node": "a"}, {"node": "b"}, {"node": "a"}]
    assert visits(steps, "a") == 2 and visits(steps, "b") == 1 and visits(steps, "c") == 0
