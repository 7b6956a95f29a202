"""The scenario catalogue: "Assigned to you" first (when there are assignments), then every other
scenario with the trainee's best score and status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from trainer.ui.translated import TranslatedScreen
from textual.widgets import DataTable, Input, Static

from trainer.i18n import N_, _, current_language, ngettext
from trainer.scenario.vocabulary import CATEGORIES, DIFFICULTIES, TOPICS, label
from trainer.sanitize import line
from trainer.tui.screens.assigned import SectionTable
from trainer.ui.tables import one_line, wrapping
from trainer.ui.widgets import product_title, version_title
from trainer.ui.footer import KeysFooter


if TYPE_CHECKING:
    from trainer.progress.records import ScenarioBest


def status_of(stats: dict[str, ScenarioBest] | None) -> Text:
    """From the per-mode figures: an assessment result counts; practice alone says only 'practised'."""
    if not stats:
        return Text(_("new"), style="italic")  # not dim: 2.5:1 on the cursor row
    assessed, practised = stats.get("assessment"), stats.get("practice")
    if any(m.in_progress for m in stats.values()):
        return Text(_("in progress"), style="yellow")
    if assessed and assessed.passed:
        return Text(_("✓ passed"), style="green")
    if assessed and assessed.completed:
        return Text(_("✗ not yet"), style="red")
    if practised and practised.completed:
        return Text(_("practised"), style="cyan")
    return Text(_("started"), style="dim")


def best_of(stats: dict[str, ScenarioBest] | None) -> Text:
    """The best assessment score; a practice best (when there is no assessment yet) is marked 'p'."""
    assessed, practised = (stats or {}).get("assessment"), (stats or {}).get("practice")
    if assessed and assessed.best is not None:
        return Text(f"{assessed.best:.0f}%")
    if practised and practised.best is not None:
        # Translators: a practice best score, e.g. "85p" (keep it to one letter: the column is narrow)
        return Text(_("{score}p").format(score=f"{practised.best:.0f}"), style="dim")
    return Text("")


class CatalogueScreen(TranslatedScreen):
    AUTO_FOCUS = "#catalogue"  # the table, from the first frame (not the filter field, then the table)
    BINDINGS = [
        Binding("enter", "open", N_("Open"), id="open-scenario", show=True),
        # priority: taken in order with the keys after it (a browser sends a typed burst at once), so a title
        # typed right after '/' reaches the filter instead of the table behind it
        Binding("slash", "filter", N_("Filter"), id="filter", key_display="/", priority=True),
        Binding("c", "cycle_category", N_("Category"), id="cycle-category"),
        Binding("d", "cycle_difficulty", N_("Level"), id="cycle-difficulty"),
        # not in the footer either (80 columns): the status line names the topic and "(t to change)"
        Binding("t", "cycle_topic", N_("Topic"), id="cycle-topic", show=False),
        Binding("j", "toggle_everywhere", N_("Other countries"), id="toggle-everywhere", show=False),
        # not in the footer: the status line says "(l to change)" beside the language it names, and at 80
        # columns one more key pushed "? Help" off the footer
        Binding("l", "cycle_language", N_("Language"), id="cycle-language", show=False),
        Binding("p", "app.progress", N_("My progress"), id="progress"),
        Binding("q", "app.quit", N_("Quit"), id="quit-catalogue"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.category: str | None = None
        self.difficulty: str | None = None
        self.topic: str | None = None
        self.everywhere = False  # 'j': also the scenarios written for other countries' law and practice
        self.assignments: dict[str, dict] = {}
        self._resumed = False
        self.unfinished: dict[str, dict] = {}  # the trainee's in-progress attempts by scenario (the newest)
        self._welcome = False

    def compose(self) -> ComposeResult:
        yield Static(id="catalogue-title", classes="screen-title")
        yield Static(id="catalogue-welcome", classes="notice")
        yield Input(placeholder=_("/ to filter by title, category or level"), id="catalogue-filter")
        table = SectionTable(id="catalogue", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(id="catalogue-status", classes="muted")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one("#catalogue", DataTable)
        self.query_one("#catalogue-welcome").display = False
        table.add_column(Text(_("Scenario")), key="title", width=20)
        # categories whole where there is room (Spanish ones run to 18), else cut with "…"
        longest = max(len(label(c)) for c in CATEGORIES)
        table.add_column(Text(_("Category")), key="category", width=min(longest, 20) if self.app.size.width >= 100 else 15)
        table.add_column(Text(_("Level")), key="level", width=12)
        table.add_column(Text(_("Best")), key="best", width=5)
        table.add_column(Text(_("Status")), key="status", width=11)
        self.refresh_rows()  # rows first (measured later, when idle): whether they overflow decides the room
        # the title takes the rest of the width, and wraps when it needs more; a table that will scroll
        # loses its scrollbar's width, and guessing that now saves measuring every row twice before the
        # first frame (a wrong guess only costs that second measuring, as the resize corrects the width)
        scrolls = table.row_count > self.app.size.height - 8  # title, filter, header, status and footer
        table.flex("title", 20, 80, margin=2 + (table.styles.scrollbar_size_vertical if scrolls else 0))
        table.focus()
        if not self.ctx.store_is_open:
            # Titles first; scores as soon as the database is open. The first refresh after mounting
            # happens while the app is still starting and draws nothing, so wait for the one after
            # it: opening the database (and importing sqlite-utils) then never delays the first frame.
            self.call_after_refresh(self.call_after_refresh, self._load_progress)
        else:
            self._offer_resume()

    def _load_progress(self) -> None:
        before = current_language()
        if self.app.ready():
            if current_language() != before:  # the trainee's own language, known once the database is open
                self.app.switch_screen(CatalogueScreen())
                return
            self.refresh_rows()
            self._offer_resume()
            self.call_after_refresh(self.app.warm_up)

    def _offer_resume(self) -> None:
        """After a quit mid-scenario, say so on arrival, with the cursor on it: Enter opens its brief, where
        Enter resumes it. A notice on this screen, not a toast: it never shows over another screen."""
        self._load_unfinished()
        if self.unfinished:
            latest = next(iter(self.unfinished.values()))
            table = self.query_one("#catalogue", DataTable)
            if latest.scenario_id in table.rows:
                table.move_cursor(row=table.get_row_index(latest.scenario_id))
            self._welcome = True
        self._show_unfinished()

    def _load_unfinished(self) -> None:
        found = self.ctx.store.resumable(self.app.trainee) if self.app.trainee else []  # newest first
        self.unfinished = {}
        for attempt in found:
            self.unfinished.setdefault(attempt.scenario_id, attempt)

    def _highlighted_key(self) -> str | None:
        table = self.focused if isinstance(self.focused, DataTable) else self.query_one("#catalogue", DataTable)
        if not table.row_count:
            return None
        try:
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - cursor outside the rows after a filter change
            return None

    def _show_unfinished(self) -> None:
        """The notice about the unfinished attempt under the cursor (none when the cursor is elsewhere)."""
        notice = self.query_one("#catalogue-welcome", Static)
        attempt = self.unfinished.get(self._highlighted_key() or "")
        if attempt:
            from trainer.tui.screens.brief import naming

            text = Text(_("Welcome back.") + " ", style="bold") if self._welcome else Text()
            text.append(_("Waiting for you: {attempt}. Press Enter to open it, then Enter again to resume it.").format(
                attempt=naming(attempt, line(attempt.scenario_title))))
            notice.update(text)
        notice.display = bool(attempt)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.is_mounted:
            self._show_unfinished()

    def on_screen_resume(self) -> None:
        if self._resumed:  # coming back from a brief, a debrief or the progress screen
            self.refresh_rows()
            if self.ctx.store_is_open:
                self._welcome = False
                self._load_unfinished()
                self._show_unfinished()
        self._resumed = True  # the first resume follows on_mount, which filled the rows already

    def refresh_rows(self) -> None:
        app = self.app
        title = product_title(_("Scenarios"))  # the first screen with --trainee: say whose app this is
        if app.trainee_name:
            title.append(f" · {line(app.trainee_name)}", style="bold")
        self.query_one("#catalogue-title", Static).update(title)
        assigned = self._show_assigned()
        self._show_next()
        table = self.query_one("#catalogue", DataTable)
        selected = None
        if table.row_count:
            try:
                selected = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            except Exception:  # noqa: BLE001 - cursor outside rows after a filter change
                selected = None
        table.clear()
        stats = self.ctx.store.best_by_scenario(app.trainee) if self.ctx.store_is_open and app.trainee else {}
        needle = self.query_one("#catalogue-filter", Input).value.strip().lower()
        shown = 0
        language = app.scenario_language
        for s in app.ordered_scenarios():  # one row per scenario, in the version for `language`
            if s.id in assigned:
                continue
            if self.category and s.category != self.category:
                continue
            if self.difficulty and s.difficulty != self.difficulty:
                continue
            if self.topic and self.topic not in s.topics:
                continue
            if not (self.everywhere or app.offered_here(s)):
                continue
            versions = [s, *app.library.translations(s.id)]
            if needle and not any(needle in f"{v.title} {v.category} {v.difficulty} {label(v.category)} "
                                  f"{label(v.difficulty)} {' '.join(label(t) for t in v.topics)} "
                                  f"{v.summary}".lower() for v in versions):
                continue
            st = stats.get(s.id)
            table.add_row(wrapping(version_title(app.library, s.id, language)), one_line(label(s.category)),
                          one_line(label(s.difficulty)), best_of(st), one_line(status_of(st)), key=s.id, height=None)
            shown += 1
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected))
        filters = [f for f in (self.category, self.difficulty) if f]
        everything = app.library.catalogue()
        offered = [s for s in everything if app.offered_here(s)]
        total = len(everything) if self.everywhere else len(offered)
        status = ngettext("{shown} of {total} scenario", "{shown} of {total} scenarios", total).format(
            shown=shown, total=total)
        if filters:
            status += " · " + _("showing {filters} (c / d to change)").format(
                filters=", ".join(label(f) for f in filters))
        if self.topic:
            status += " · " + _("topic: {topic} (t to change)").format(topic=label(self.topic))
        elsewhere = len(everything) - len(offered)
        if self.everywhere and elsewhere:
            status += " · " + _("all countries (j: {code} only)").format(code=app.jurisdiction)
        elif elsewhere:
            status += " · " + ngettext("{count} more for other countries (j to show)",
                                       "{count} more for other countries (j to show)", elsewhere).format(count=elsewhere)
        if len(self._languages()) > 1:
            status += " · " + _("{language} first (l to change)").format(language=app.library.language_label(language))
        if not shown:
            status = _("No scenario matches: clear the filter (/ then delete), or press c / d / t")
        text = Text(status)
        broken = app.library.broken()
        if broken:  # a file in a --scenarios folder with errors: say so, and how to see them
            text.append("\n" + ngettext("{count} file could not be loaded: `{command}`",
                                         "{count} files could not be loaded: `{command}`", len(broken)).format(
                count=len(broken), command=line(app.library.validate_command())), style="bold")
        self.query_one("#catalogue-status", Static).update(text)

    def _show_assigned(self) -> dict[str, dict]:
        """Mount (once) and fill "Assigned to you"; the assignments by scenario id."""
        from datetime import date

        from trainer.tui.screens.assigned import AssignedSection

        app = self.app
        if not (self.ctx.store_is_open and app.trainee):
            return {}
        from trainer.progress.programme import trainee_programme

        today = date.fromtimestamp(app.clock())
        rows = trainee_programme(self.ctx.store, app.trainee, app.library.summaries, today)
        self.assignments = {r["scenario"]: r for r in rows if r["scenario"] in app.library.summaries}
        if not self.assignments:
            return {}
        sections = self.query(AssignedSection)
        if sections:
            sections.first().show(list(self.assignments.values()), today)
        else:
            self.mount(AssignedSection(list(self.assignments.values()), today, id="assigned-section"),
                       before="#catalogue-filter")
        return self.assignments

    def _show_next(self) -> None:
        """Mount (once, at the top) and fill "Next for you" (trainer.play.suggest)."""
        from datetime import date

        from trainer.tui.screens.next_up import NextSection

        app = self.app
        if not (self.ctx.store_is_open and app.trainee):
            return
        found = app.suggestions(date.fromtimestamp(app.clock()))
        sections = self.query(NextSection)
        if sections:
            sections.first().show(found)
        elif found:
            self.mount(NextSection(found, id="next-section"), after="#catalogue-title")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(event.data_table, event.row_key.value)

    def _open(self, table: DataTable, key: str) -> None:
        """An assigned scenario opens in the assignment's mode; practice when its attempts are spent.
        Every row is keyed by the original: it opens in the version for the catalogue's language."""
        row = self.assignments.get(key) if table.id in ("assigned", "next") else None
        waiting = self.unfinished.get(key)
        version = waiting and (waiting.translation_id or waiting.scenario_id)
        # the version with the unfinished attempt (what the notice promised to resume), else the language's
        key = version if version and self.app.library.get(version) is not None else self.app.version_for(key)
        if row is None or row["status"] in ("passed", "waived"):
            self.app.open_brief(key)
            return
        if row["mode"] == "assessment" and row["attempts_left"] == 0:
            self.notify(_("No attempts left on this assignment: this one is practice. Ask your supervisor for more."),
                        timeout=6)
            self.app.open_brief(key)
            return
        self.app.open_brief(key, mode=row["mode"])

    def action_open(self) -> None:
        table = self.focused if isinstance(self.focused, DataTable) else self.query_one("#catalogue", DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self._open(table, key)

    def action_filter(self) -> None:
        # at once, not `.focus()` (which waits for the keys already queued): a title typed right after '/'
        # (a quick typist, a browser's burst) must land in the filter, not on the table
        self.set_focus(self.query_one("#catalogue-filter", Input))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refresh_rows()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.set_focus(self.query_one("#catalogue", DataTable))

    def key_escape(self) -> None:
        field = self.query_one("#catalogue-filter", Input)
        if field.has_focus:
            self.query_one("#catalogue", DataTable).focus()


    def _cycle(self, current: str | None, values) -> str | None:
        present = [v for v in values if any(getattr(s, "category") == v or s.difficulty == v
                                            for s in self.app.library.summaries.values())]
        order = [None, *present]
        return order[(order.index(current) + 1) % len(order)] if current in order else None

    def action_cycle_category(self) -> None:
        self.category = self._cycle(self.category, CATEGORIES)
        self.refresh_rows()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "cycle_language":  # shown only when some scenario is in more than one language
            return len(self._languages()) > 1
        return True

    def _languages(self) -> list[str]:
        return list(dict.fromkeys(s.language for s in self.app.library.summaries.values()))

    def action_cycle_language(self) -> None:
        """Show each scenario in the next language it is available in (where it has a version in it)."""
        languages = self._languages()
        if len(languages) < 2:
            self.notify(_("Every scenario here is in one language."), timeout=3)
            return
        from trainer.scenario.languages import same_language

        current = next((i for i, code in enumerate(languages) if same_language(code, self.app.scenario_language)),
                       -1)
        self.app.chosen_language = languages[(current + 1) % len(languages)]
        self.refresh_rows()

    def action_cycle_topic(self) -> None:
        present = [t for t in TOPICS if any(t in s.topics for s in self.app.library.catalogue())]
        order = [None, *present]
        self.topic = order[(order.index(self.topic) + 1) % len(order)] if self.topic in order else None
        self.refresh_rows()

    def action_toggle_everywhere(self) -> None:
        self.everywhere = not self.everywhere
        self.refresh_rows()

    def action_cycle_difficulty(self) -> None:
        self.difficulty = self._cycle(self.difficulty, DIFFICULTIES)
        self.refresh_rows()
