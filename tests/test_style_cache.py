"""The apps' parsed stylesheet kept between runs (trainer.ui.stylecache): a second start parses none of what
the first frame needs and ends up with the same rules as the first; a damaged cache, or one that others
could have written, is not used."""

from __future__ import annotations

import os

import pytest
import textual.css.stylesheet as stylesheet_module

from tests.tui_helpers import make_app
from trainer.tui.screens.catalogue import CatalogueScreen

SIZE = (80, 24)


def rules_css(app) -> list:
    """Every rule of the app's stylesheet: its selectors, its declarations (as text: a layout compares by
    identity), and where it ranks."""
    return [(rule.selectors, {name: repr(value) for name, value in rule.styles.get_rules().items()},
             rule.is_default_rules, rule.tie_breaker,
             sorted(rule.selector_names), sorted(rule.pseudo_classes)) for rule in app.stylesheet.rules]


@pytest.fixture
def parses(monkeypatch):
    """The sources Textual's CSS parser is run on (their locations), from now on."""
    seen = []
    real = stylesheet_module.parse

    def counting(scope, css, read_from, *args, **kwargs):
        seen.append(read_from)
        return real(scope, css, read_from, *args, **kwargs)

    monkeypatch.setattr(stylesheet_module, "parse", counting)
    return seen


async def first_start(tmp_path) -> list[str]:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CatalogueScreen)
        return rules_css(app)


def style_cache(tmp_path):
    found = list((tmp_path / "cache").glob("styles-*.pickle"))
    assert len(found) == 1, found
    return found[0]


async def test_a_second_start_parses_no_stylesheet_and_has_the_same_rules(tmp_path, parses):
    fresh = await first_start(tmp_path)
    assert any(location[0].endswith("app.tcss") for location in parses)  # the first start parsed them
    style_cache(tmp_path)
    parses.clear()
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CatalogueScreen)
        assert rules_css(app) == fresh
    # what the catalogue's first frame needs is not parsed again (a widget first mounted later is, as before)
    assert not [(path, name) for path, name in parses if path.endswith("app.tcss") or name.split(".")[0] in
                ("App", "Screen", "Widget", "DataTable", "Input", "Static", "Footer", "FooterKey")]


@pytest.mark.parametrize("spoil", ["damaged", "writable by others"])
async def test_a_cache_that_cannot_be_trusted_is_parsed_afresh(tmp_path, parses, spoil, capsys):
    fresh = await first_start(tmp_path)
    cache = style_cache(tmp_path)
    if spoil == "damaged":
        cache.write_bytes(b"not a pickle")
    else:
        os.chmod(cache, 0o666)
    parses.clear()
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert rules_css(app) == fresh
    assert any(location[0].endswith("app.tcss") for location in parses)
    if spoil == "writable by others":
        assert "other users can write to it" in capsys.readouterr().err
