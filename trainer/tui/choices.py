"""The play screen's choices: each one whole on screen before it can be chosen.

A trainee who answers without seeing every option is not measured on judgment, so the choices are given
the lines they need and the conversation the rest (it scrolls). When a step's choices cannot fit even then
(a very small window, a very long step) they are shown one page at a time, each page whole, and only a
choice on the page shown can be chosen. The pages are worked out from the choices' own wrapped heights at
the screen's width before anything is drawn, so a step is still one layout and one frame."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

# lines of the conversation always left above the choices, so the character's newest words stay in view
MIN_CONVERSATION = 4


class Hanging(Content):
    """Text whose wrapped lines after the first are indented: a speaker's name or a choice's number then
    stands alone at the margin, and a long line does not read as the start of the next one. Textual's own
    Content (so it draws as fast as a plain line, and `str()` of it is its text) with its wrapping changed."""

    indent = 2

    @classmethod
    def of(cls, text: Text, indent: int = 2) -> "Hanging":
        content = Content.from_rich_text(text)
        hanging = cls(content.plain, list(content.spans), strip_control_codes=False)
        hanging.indent = indent
        return hanging

    def _indent_for(self, width: int) -> int:
        return self.indent if width > self.indent + 10 else 0  # a very narrow view: no room to indent

    def _wrap_and_format(self, width: int, *args, **kwargs):
        indent = self._indent_for(width)
        lines = super()._wrap_and_format(width - indent, *args, **kwargs)
        for formatted in lines:
            formatted.width = width
            if indent and formatted.x:  # the continuation of a wrapped line
                formatted.content = Content(" " * indent) + formatted.content
        return lines

    def get_height(self, rules, width: int) -> int:
        width -= rules.get("line_pad", 0) * 2
        overflow = rules.get("text_overflow", "fold")
        no_wrap = rules.get("text_wrap", "wrap") == "nowrap"
        key = (width, overflow, no_wrap, self.indent)
        if self._height_cache[0] != key:  # Content's own one-entry cache (a layout asks several times)
            self._height_cache = (key, len(self._wrap_and_format(width, overflow=overflow, no_wrap=no_wrap)))
        return self._height_cache[1]


def choice_prompt(number: int, text: str) -> Hanging:
    """One choice as the trainee reads it: its number, then its text, wrapped under the text."""
    label = f"{number}. "
    return Hanging.of(Text(label + text), indent=len(label))


class ChoiceList(OptionList):
    """The step's choices, all of them or one page of them (see the module's docstring)."""

    def __init__(self, **kwargs):
        super().__init__(markup=False, **kwargs)
        self.prompts: list[Hanging] = []
        self.ids: list[str] = []
        self.pages: list[range] = []
        self.page = 0
        self.seen: set[int] = set()

    # --- fitting ------------------------------------------------------------------------------------
    def text_width(self, screen_width: int) -> int:
        """The cells a choice's text gets in a screen `screen_width` wide (no scrollbar: every choice fits)."""
        styles = self.styles
        return max(1, screen_width - styles.margin.width - styles.gutter.width)

    def heights(self, screen_width: int) -> list[int]:
        width = self.text_width(screen_width)
        return [prompt.get_height(self.styles, width) for prompt in self.prompts]

    def paginate(self, screen_width: int, room: int) -> list[range]:
        """Pages of consecutive choices, each page whole within `room` lines of the screen (its border and
        the line that says there are more included). One page when they all fit."""
        heights = self.heights(screen_width)
        frame = self.styles.margin.height + self.styles.gutter.height
        if sum(heights) + frame <= room:
            return [range(len(heights))]
        room -= frame + 1  # the line above the choices that says they are paged
        pages, start, used = [], 0, 0
        for index, height in enumerate(heights):
            if index > start and used + height > room:
                pages.append(range(start, index))
                start, used = index, 0
            used += height
        pages.append(range(start, len(heights)))
        return pages

    def offer(self, numbered: list[tuple[str, str]], screen_width: int, room: int) -> None:
        """New choices, (id, text) in the order they are numbered; the first page shown."""
        self.prompts = [choice_prompt(number, text) for number, (_, text) in enumerate(numbered, 1)]
        self.ids = [ident for ident, _ in numbered]
        self.pages = self.paginate(screen_width, room)
        self.seen = set()
        self.show_page(0)

    def refit(self, screen_width: int, room: int) -> None:
        """The screen was resized: page again, keeping the first choice shown in view."""
        if not self.prompts:
            return
        first = self.pages[self.page].start if self.pages else 0
        self.pages = self.paginate(screen_width, room)
        self.seen = set()
        self.show_page(next(i for i, page in enumerate(self.pages) if first in page))

    def show_page(self, page: int) -> None:
        self.page = page % len(self.pages)
        self.seen.add(self.page)
        shown = self.pages[self.page]
        self.set_options([Option(self.prompts[i], id=self.ids[i]) for i in shown])  # one re-wrap, not one per option
        self.highlighted = None  # a choice needs its own key press: a number, or arrows then Enter

    # --- what may be chosen -------------------------------------------------------------------------------
    @property
    def paged(self) -> bool:
        return len(self.pages) > 1

    @property
    def shown(self) -> range:
        return self.pages[self.page] if self.pages else range(0)

    @property
    def all_seen(self) -> bool:
        return len(self.seen) == len(self.pages)

    def number_at(self, option_index: int) -> int:
        """The choice number of the `option_index`th option on the page shown."""
        return self.shown.start + option_index + 1
