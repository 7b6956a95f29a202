"""The YAML loader remembers the tags of short plain scalars (trainer.scenario.yamlsrc._loader): it must
give every scalar exactly the tag PyYAML's own resolver gives it (YAML 1.1: `yes` is a bool, `0o17` is
not an int, `~` is null, `1_000` is an int...), however often and in whatever order the values come."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from trainer.scenario.yamlsrc import _loader

BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TRICKY = ["yes", "No", "on", "OFF", "y", "~", "null", "Null", "", "0", "-0", "1_000", "0o17", "017", "0x1F",
          "1.5", ".5", "1e3", "1.0e+3", ".inf", "-.Inf", ".nan", "2026-12-05", "12:30", "1:20:30", "true",
          "TRUE", "tRue", "=", "<<", "points", "next", "-", "+1", "0b101", "190:20:30", "a" * 40, "1" * 41]
IMPLICIT = st.sampled_from([(True, False), (False, True), (True, True), (False, False)])


def test_the_memo_loader_is_a_safe_loader_without_path_resolvers():
    assert issubclass(_loader(), BASE) and not _loader().yaml_path_resolvers


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.sampled_from(TRICKY), st.text(max_size=45)), IMPLICIT), max_size=30))
def test_every_scalar_gets_the_tag_pyyaml_gives_it(values):
    ours, theirs = _loader()(""), BASE("")
    for value, implicit in values + values:  # twice: the second time from the memo
        assert ours.resolve(ScalarNode, value, implicit) == theirs.resolve(ScalarNode, value, implicit), value


def test_collections_keep_their_tags():
    ours, theirs = _loader()(""), BASE("")
    for kind in (SequenceNode, MappingNode):
        for implicit in (True, False):
            assert ours.resolve(kind, None, implicit) == theirs.resolve(kind, None, implicit)
