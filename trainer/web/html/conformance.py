"""The accessibility statement and the WCAG 2.1 AA conformance table, kept in one place.

The `/accessibility` page renders it in the reader's language and docs/accessibility.md is generated from it
(`python -m trainer.web.html.conformance > docs/accessibility.md`; a test fails when they differ), so the
statement procurement reads and the one trainees read can never disagree. The words are marked with N_()
and translated when shown. Statuses use the terms of an Accessibility Conformance Report (VPAT 2.x).
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.i18n import N_, _

SUPPORTS, PARTIALLY, DOES_NOT, NOT_APPLICABLE = (N_("Supports"), N_("Partially Supports"), N_("Does Not Support"),
                                                 N_("Not Applicable"))

STANDARD = "WCAG 2.1"
EVALUATED = "2026-12"  # when this table was last checked against the pages


@dataclass(frozen=True)
class Criterion:
    number: str
    name: str  # N_-marked: shown translated
    level: str
    status: str  # one of SUPPORTS, PARTIALLY, DOES_NOT, NOT_APPLICABLE
    remarks: str  # N_-marked


NO_MEDIA = N_("There is no audio or video on the pages.")

CRITERIA: tuple[Criterion, ...] = (
    Criterion("1.1.1", N_("Non-text Content"), "A", SUPPORTS,
              N_("The pages have no informative images; decorative marks are hidden from assistive technology and "
                 "the mood of the character is given in words.")),
    Criterion("1.2.1", N_("Audio-only and Video-only (Prerecorded)"), "A", NOT_APPLICABLE, NO_MEDIA),
    Criterion("1.2.2", N_("Captions (Prerecorded)"), "A", NOT_APPLICABLE, NO_MEDIA),
    Criterion("1.2.3", N_("Audio Description or Media Alternative (Prerecorded)"), "A", NOT_APPLICABLE, NO_MEDIA),
    Criterion("1.2.4", N_("Captions (Live)"), "AA", NOT_APPLICABLE, NO_MEDIA),
    Criterion("1.2.5", N_("Audio Description (Prerecorded)"), "AA", NOT_APPLICABLE, NO_MEDIA),
    Criterion("1.3.1", N_("Info and Relationships"), "A", SUPPORTS,
              N_("Headings, lists, tables with header cells, labelled form fields and landmarks (banner, main) "
                 "carry the structure; who says each line is part of its text.")),
    Criterion("1.3.2", N_("Meaningful Sequence"), "A", SUPPORTS,
              N_("The reading order is the order of the source: the conversation first, then the choices.")),
    Criterion("1.3.3", N_("Sensory Characteristics"), "A", SUPPORTS,
              N_("Instructions name buttons and fields by their labels, never by shape, colour or position.")),
    Criterion("1.3.4", N_("Orientation"), "AA", SUPPORTS,
              N_("Pages work in portrait and landscape; nothing is locked to one orientation.")),
    Criterion("1.3.5", N_("Identify Input Purpose"), "AA", SUPPORTS,
              N_("The sign-in name and passphrase fields and the passphrase change fields carry autocomplete "
                 "values (username, current-password, new-password).")),
    Criterion("1.4.1", N_("Use of Color"), "A", SUPPORTS,
              N_("Pass and fail, the mood and the countdown are written in words; colour only repeats them.")),
    Criterion("1.4.2", N_("Audio Control"), "A", NOT_APPLICABLE, N_("The pages play no sound.")),
    Criterion("1.4.3", N_("Contrast (Minimum)"), "AA", SUPPORTS,
              N_("Text is at least 4.5:1 against its background; axe-core checks every page in the tests.")),
    Criterion("1.4.4", N_("Resize Text"), "AA", SUPPORTS,
              N_("Text sizes are relative; at 200% zoom every line and choice stays readable without loss.")),
    Criterion("1.4.5", N_("Images of Text"), "AA", SUPPORTS, N_("No text is shown as an image.")),
    Criterion("1.4.10", N_("Reflow"), "AA", SUPPORTS,
              N_("Pages fit 320 CSS pixels wide without horizontal scrolling; checked in the browser tests.")),
    Criterion("1.4.11", N_("Non-text Contrast"), "AA", SUPPORTS,
              N_("Field borders, buttons and the focus outline are at least 3:1 against their background.")),
    Criterion("1.4.12", N_("Text Spacing"), "AA", SUPPORTS,
              N_("No text sits in a box of fixed height, so wider line, word and letter spacing does not clip it.")),
    Criterion("1.4.13", N_("Content on Hover or Focus"), "AA", NOT_APPLICABLE,
              N_("Nothing appears on hover or focus (no tooltips or pop-ups).")),
    Criterion("2.1.1", N_("Keyboard"), "A", SUPPORTS,
              N_("Every action is a link or a form button; a whole scenario is played to the debrief by keyboard "
                 "in the browser tests.")),
    Criterion("2.1.2", N_("No Keyboard Trap"), "A", SUPPORTS, N_("Focus can always move on with Tab and Shift+Tab.")),
    Criterion("2.1.4", N_("Character Key Shortcuts"), "A", NOT_APPLICABLE,
              N_("The web pages define no single-key shortcuts (the terminal app's keys are not used here).")),
    Criterion("2.2.1", N_("Timing Adjustable"), "A", PARTIALLY,
              N_("The session warns two minutes before it expires and a \"Stay signed in\" button extends it. "
                 "Timed moments in a scenario (a caller waiting for an answer) can be given extra time, up to four "
                 "times as long, or no timer at all, but a supervisor sets this for the trainee in advance "
                 "(trainer trainees accommodate); the trainee cannot extend a moment while it runs.")),
    Criterion("2.2.2", N_("Pause, Stop, Hide"), "A", SUPPORTS,
              N_("Nothing moves, blinks or scrolls by itself. A timed moment's countdown updates every second "
                 "(essential to the timed moment; a supervisor can turn the timer off for a trainee) and is "
                 "announced only at a few points, not every second.")),
    Criterion("2.3.1", N_("Three Flashes or Below Threshold"), "A", SUPPORTS, N_("Nothing flashes.")),
    Criterion("2.4.1", N_("Bypass Blocks"), "A", SUPPORTS,
              N_("Every page starts with a \"Skip to main content\" link and has a main landmark.")),
    Criterion("2.4.2", N_("Page Titled"), "A", SUPPORTS,
              N_("Each page has a title naming the page and the scenario.")),
    Criterion("2.4.3", N_("Focus Order"), "A", SUPPORTS,
              N_("Focus follows the reading order; after a choice it moves to the character's newest line.")),
    Criterion("2.4.4", N_("Link Purpose (In Context)"), "A", SUPPORTS,
              N_("Each scenario link is named by the scenario's title; other links say where they go.")),
    Criterion("2.4.5", N_("Multiple Ways"), "AA", SUPPORTS,
              N_("Scenarios are reached from the catalogue (with filters), from Assigned to you and Next for "
                 "you, and from My progress.")),
    Criterion("2.4.6", N_("Headings and Labels"), "AA", SUPPORTS,
              N_("Headings name each part of a page; every field has a visible label.")),
    Criterion("2.4.7", N_("Focus Visible"), "AA", SUPPORTS,
              N_("A thick outline marks the focused link, button or field.")),
    Criterion("2.5.1", N_("Pointer Gestures"), "A", SUPPORTS, N_("Everything is done with a single tap or click.")),
    Criterion("2.5.2", N_("Pointer Cancellation"), "A", SUPPORTS,
              N_("Buttons act on release (the browser's own buttons); no action happens on press.")),
    Criterion("2.5.3", N_("Label in Name"), "A", SUPPORTS,
              N_("Each choice button's accessible name is its visible text; other controls are named by their "
                 "visible labels.")),
    Criterion("2.5.4", N_("Motion Actuation"), "A", NOT_APPLICABLE, N_("Nothing responds to moving the device.")),
    Criterion("3.1.1", N_("Language of Page"), "A", SUPPORTS,
              N_("Every page declares its language (English or Spanish, the trainee's choice).")),
    Criterion("3.1.2", N_("Language of Parts"), "AA", PARTIALLY,
              N_("Every page declares the language of the app's words, and a scenario's text carries its own "
                 "language where it differs from the page's. A trainee's name and a supervisor's note written in "
                 "another language are not marked.")),
    Criterion("3.2.1", N_("On Focus"), "A", SUPPORTS, N_("Moving focus never submits a form or changes the page.")),
    Criterion("3.2.2", N_("On Input"), "A", SUPPORTS,
              N_("Choosing a filter or the language changes nothing until its button is pressed.")),
    Criterion("3.2.3", N_("Consistent Navigation"), "AA", SUPPORTS,
              N_("The header with the catalogue, My progress and Sign out is the same on every page.")),
    Criterion("3.2.4", N_("Consistent Identification"), "AA", SUPPORTS,
              N_("The same action has the same name on every page.")),
    Criterion("3.3.1", N_("Error Identification"), "A", SUPPORTS,
              N_("A refused sign-in or passphrase change says what was wrong in text next to the form.")),
    Criterion("3.3.2", N_("Labels or Instructions"), "A", SUPPORTS,
              N_("Every field has a label; the passphrase fields say how long a passphrase must be.")),
    Criterion("3.3.3", N_("Error Suggestion"), "AA", SUPPORTS,
              N_("Error messages say how to put the problem right (for example how long to wait after wrong "
                 "passphrases).")),
    Criterion("3.3.4", N_("Error Prevention (Legal, Financial, Data)"), "AA", PARTIALLY,
              N_("Practice answers can be taken back. An assessment answer is final when its button is pressed, "
                 "by design: a second try would change what the score measures. The brief says before an "
                 "assessment starts that it has no undo until the debrief, and asks for confirmation first.")),
    Criterion("4.1.1", N_("Parsing"), "A", SUPPORTS,
              N_("Pages are generated from templates as well-formed HTML with unique ids.")),
    Criterion("4.1.2", N_("Name, Role, Value"), "A", SUPPORTS,
              N_("Only native HTML links, buttons and form fields are used, with their native roles and names.")),
    Criterion("4.1.3", N_("Status Messages"), "AA", SUPPORTS,
              N_("The character's new lines, the countdown and the session-expiry warning are announced through "
                 "live regions without moving focus.")),
)

TITLE = N_("Accessibility statement")
INTRO = N_("The trainer's web pages for trainees are designed to meet the Web Content Accessibility Guidelines "
           "(WCAG) 2.1 at level AA, the standard the HHS Section 504 rule sets for web content a hospital provides.")
SCOPE_HEADING = N_("What this statement covers")
SCOPE = (
    N_("The trainee pages served by trainer serve: sign-in, the catalogue, a scenario's brief, play, practice "
       "coaching, the debrief, My progress and this page."),
    N_("Not covered: the terminal app (trainer on a computer's terminal), and the supervisor's tools."),
)
LIMITS_HEADING = N_("Known limits")
LIMITS = (
    N_("The terminal version at /terminal does not conform. It draws the terminal app on a canvas: a screen "
       "reader reads nothing of it, it does not reflow and it cannot be zoomed as text. Trainees should use the "
       "pages at /; supervisors who need an accessible review should use the HTML report (trainer report "
       "--format html) rather than the review in the browser."),
    N_("Extra time or no timer for timed moments is set by a supervisor in advance, not by the trainee while a "
       "moment runs (success criterion 2.2.1)."),
    N_("An assessment answer cannot be taken back once given (success criterion 3.3.4)."),
    N_("Names and supervisors' notes written in another language than the page are not marked with their "
       "own language (success criterion 3.1.2)."),
    N_("The pages have been checked with automated tools and by keyboard, but not yet by people who use a "
       "screen reader every day."),
)
EVALUATION_HEADING = N_("How this was checked")
EVALUATION = (
    N_("axe-core runs on every page, in English and in Spanish, in the automated browser tests (Chromium)."),
    N_("The browser tests play a scenario to the debrief by mouse and by keyboard only, and check that pages fit "
       "320 CSS pixels and 200% zoom without horizontal scrolling."),
)
REPORT_HEADING = N_("Report a barrier")
REPORT = (
    N_("If something on these pages stops you, or you need the content in another form, tell your supervisor or "
       "the clinic's training lead: say which page, what you were trying to do and what assistive technology "
       "you use. They can give you extra time or no timer on timed moments at once."),
    N_("Supervisors report a barrier in the trainer itself to the team that runs the trainer for the site, with "
       "the page address, the browser and the steps to repeat it."),
)
TABLE_HEADING = N_("WCAG 2.1 conformance, levels A and AA")
COLUMNS = (N_("Criterion"), N_("Level"), N_("Conformance"), N_("Remarks"))


def counts() -> dict[str, int]:
    """How many criteria have each status (the summary line of the table)."""
    out: dict[str, int] = {}
    for c in CRITERIA:
        out[c.status] = out.get(c.status, 0) + 1
    return out


def as_markdown() -> str:
    """docs/accessibility.md, in English (what procurement reads; the page translates)."""
    out = [f"# {TITLE}", "", "<!-- generated by `python -m trainer.web.html.conformance`; edit that module -->", "",
           INTRO, "", f"## {SCOPE_HEADING}", ""]
    out += [f"- {s}" for s in SCOPE]
    out += ["", f"## {LIMITS_HEADING}", ""] + [f"- {s}" for s in LIMITS]
    out += ["", f"## {EVALUATION_HEADING}", ""] + [f"- {s}" for s in EVALUATION]
    out += ["", f"## {REPORT_HEADING}", ""] + [f"{s}\n" for s in REPORT]
    summary = ", ".join(f"{n} {status}" for status, n in counts().items())
    out += [f"## {TABLE_HEADING}", "", f"Standard: {STANDARD}, levels A and AA; last checked {EVALUATED}. {summary}.",
            "", "| " + " | ".join(COLUMNS) + " |", "|---|---|---|---|"]
    for c in CRITERIA:
        out.append(f"| {c.number} {c.name} | {c.level} | {c.status} | {c.remarks} |")
    return "\n".join(out) + "\n"


def translated(criterion: Criterion) -> dict[str, str]:
    """One row of the table in the reader's language (for the page)."""
    return {"number": criterion.number, "name": _(criterion.name), "level": criterion.level,
            "status": _(criterion.status), "remarks": _(criterion.remarks)}


if __name__ == "__main__":  # pragma: no cover - regenerates the doc
    print(as_markdown(), end="")
