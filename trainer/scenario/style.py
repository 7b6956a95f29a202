"""Does the wording give the answer key away? A model that reads only the answers' text (words, two-word
phrases and punctuation), trained on the best versus the other answers of the *other* scenarios in a
library, plays a scenario by always choosing the answer that sounds most like a best one. If that passes,
a trainee who has practised a few scenarios can pass it on style alone, without judging the situation.

scikit-learn is imported only here, and only when a model is trained (`trainer analyze`, `trainer validate
--style`): start-up, the app and a plain `validate` never pay for it. Results are deterministic for the
same files: training answers are sorted, the solver has a fixed random_state, and ties go to the first
answer in file order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from trainer.scenario.fairness import fairness_for
from trainer.scenario.model import Choice, Scenario

CUE_COUNT = 20  # rows in the cue table
CUE_MIN_ANSWERS = 3  # a word or phrase in fewer answers than this is noise, not a house style

_TOKEN = re.compile(r"\w+(?:'\w+)*|[^\w\s]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def tokens(text: str) -> list[str]:
    """Lower-cased words (an apostrophe inside a word kept: "you're", "can't") and every punctuation
    mark as a token of its own ("?", "!", ",")."""
    return _TOKEN.findall(text.lower().translate(_APOSTROPHES))


def features(text: str) -> list[str]:
    """What the model and the cue table read: each token, and each pair of neighbouring tokens."""
    found = tokens(text)
    return found + [f"{a} {b}" for a, b in zip(found, found[1:])]


def wordings(choice: Choice) -> list[str]:
    """Every wording of a choice's text (a choice may carry a list of wordings that mean the same)."""
    text = getattr(choice, "wordings", None) or choice.text
    return [text] if isinstance(text, str) else [str(t) for t in text]


def answers(scenario: Scenario) -> list[tuple[str, bool]]:
    """(wording, is best) for every answer offered at a decision point anywhere in the scenario (a state
    with two or more choices, on the best path or off it): best where it is the best walk's first step from
    some such state. A state whose best move is to let the clock run out has no best answer and is left out."""
    return scenario.memo("_style_answers", _answers)


def _answers(scenario: Scenario) -> list[tuple[str, bool]]:
    fairness = fairness_for(scenario)
    if fairness is None:
        return []
    best: dict[tuple[str, str], bool] = {}
    for point in fairness.all_decision_points:
        best_choice = point.best_choice
        if best_choice is None:
            continue
        node = point.state[0]
        for _, choice in point.options:
            key = (node, choice.id)
            best[key] = best.get(key, False) or choice is best_choice
    out = []
    for (node_id, choice_id), is_best in best.items():
        choice = next(c for c in scenario.nodes[node_id].choices if c.id == choice_id)
        out += [(text, is_best) for text in wordings(choice)]
    return out


def family(scenario: Scenario, by_id: Mapping[str, Scenario]) -> str:
    """The id a scenario's translations and parallel forms share: following `translation_of` and
    `form_of` back to the first original. Training leaves out a scenario's whole family."""
    ident, seen = scenario.id, set()
    current: Scenario | None = scenario
    while current is not None and ident not in seen:
        seen.add(ident)
        parent = current.translation_of or getattr(current, "form_of", "") or ""
        if not parent:
            break
        ident = parent
        current = by_id.get(ident)
    return ident


class StyleModel:
    """Logistic regression (scikit-learn) on which words and phrases an answer contains, fitted on the best
    versus the other answers of a training set of scenarios."""

    def __init__(self, vectorizer, columns, model):
        self.vectorizer, self.columns, self.model = vectorizer, columns, model
        self._scores: dict[str, float] = {}

    def score(self, choice: Choice) -> float:
        """How much the choice sounds like a best answer (its wordings' mean)."""
        texts = wordings(choice)
        missing = [t for t in texts if t not in self._scores]
        if missing:
            values = self.model.decision_function(self.vectorizer.transform(missing)[:, self.columns])
            self._scores.update(zip(missing, (float(v) for v in values)))
        return sum(self._scores[t] for t in texts) / len(texts)

    def play(self, scenario: Scenario) -> tuple[float | None, bool]:
        """Play the scenario choosing the top-scored answer on offer at every step (the first in file
        order on a tie), with the same walk the test-wise strategies use; (overall, passed)."""
        fairness = fairness_for(scenario)
        if fairness is None:
            return None, False
        run = fairness.strategy_run(lambda options: max(options, key=lambda o: self.score(o[1]))[0])
        return run.score.overall, run.passed


class Corpus:
    """Every answer of a library, vectorised once; a model leaving one family out is fitted on the other
    rows, with the features found in at least two of *its* training answers (a word or phrase in one
    answer only says nothing about a house style, and leaving those out makes a fit some twenty times
    faster), so the held-out scenario's answers shape neither the model nor its features."""

    def __init__(self, known: Mapping[str, Scenario]):
        from sklearn.feature_extraction.text import CountVectorizer

        rows = sorted((text, best, family(s, known), ident) for ident, s in known.items()
                      for text, best in answers(s))
        self.texts = [text for text, _, _, _ in rows]
        self.labels = [int(best) for _, best, _, _ in rows]
        self.families = [fam for _, _, fam, _ in rows]
        self.files = [ident for _, _, _, ident in rows]
        self.vectorizer = CountVectorizer(analyzer=features, binary=True)
        self.matrix = self.vectorizer.fit_transform(self.texts).tocsr() if rows else None

    def model_without(self, key: str) -> tuple[StyleModel | None, int]:
        """The model trained on every family but `key`, and how many scenario files it learnt from."""
        import numpy
        from sklearn.linear_model import LogisticRegression

        keep = [i for i, fam in enumerate(self.families) if fam != key]
        labels = [self.labels[i] for i in keep]
        if len(set(labels)) < 2:
            return None, 0
        training = self.matrix[keep]
        columns = numpy.flatnonzero(numpy.asarray(training.sum(axis=0)).ravel() >= 2)
        model = LogisticRegression(C=1.0, solver="liblinear", max_iter=1000, random_state=0,
                                   class_weight="balanced")
        model.fit(training[:, columns], labels)
        return StyleModel(self.vectorizer, columns, model), len({self.files[i] for i in keep})


def classify(targets: Iterable[Scenario], library: Iterable[Scenario]) -> dict[str, dict]:
    """Per target id, {overall, passed, trained_on}: the classifier trained on every scenario of the
    library outside the target's family (a translation or a form of it is left out with it), one model per
    family. `trained_on` counts the scenario files whose answers it was trained on."""
    known: dict[str, Scenario] = {s.id: s for s in library}
    targets = list(targets)
    for s in targets:
        known[s.id] = s  # a file being checked wins over the library's copy of it
    families: dict[str, list[Scenario]] = {}
    for s in targets:
        families.setdefault(family(s, known), []).append(s)
    corpus = Corpus(known)
    out: dict[str, dict] = {}
    for key, members in sorted(families.items()):
        model, trained_on = corpus.model_without(key) if corpus.matrix is not None else (None, 0)
        for s in members:
            overall, passed = model.play(s) if model is not None else (None, False)
            out[s.id] = {"overall": overall, "passed": passed, "trained_on": trained_on}
    return out


def cues(library: Iterable[Scenario], count: int = CUE_COUNT) -> list[dict]:
    """The words, phrases and punctuation whose share among best answers differs most from their share
    among the others, library-wide, strongest first: an author's mirror of the library's house style."""
    in_best: Counter = Counter()
    in_other: Counter = Counter()
    totals = Counter()
    for s in sorted(library, key=lambda s: s.id):
        for text, best in answers(s):
            totals[best] += 1
            (in_best if best else in_other).update(set(features(text)))
    if not totals[True] or not totals[False]:
        return []
    rows = []
    for cue in in_best.keys() | in_other.keys():
        if in_best[cue] + in_other[cue] < CUE_MIN_ANSWERS:
            continue
        best_share, other_share = in_best[cue] / totals[True], in_other[cue] / totals[False]
        rows.append((-round(abs(best_share - other_share), 6), cue, best_share, other_share))
    rows.sort()
    return [{"cue": cue, "best_share": round(b, 3), "other_share": round(o, 3)} for _, cue, b, o in rows[:count]]


def style_report(scenario: Scenario, library: Iterable[Scenario]) -> dict:
    """`trainer analyze`'s `style`: the classifier's result on the scenario and the library's cue table."""
    library = [s for s in library if s.id != scenario.id] + [scenario]
    return {"classifier": classify([scenario], library)[scenario.id], "cues": cues(library)}


def style_text(style: dict) -> list[str]:
    result = style["classifier"]
    lines = ["  style (a model reading only the answers' wording, trained on the other scenarios):"]
    if result["overall"] is None:
        lines.append("    classifier: not enough other scenarios to train on")
    else:
        verdict = "PASSES" if result["passed"] else "fails"
        lines.append(f"    always choosing the answer that sounds best: {result['overall']:5.1f}% {verdict}  "
                     f"(trained on {result['trained_on']} scenarios)")
    lines += cue_table(style["cues"][:10], indent="    ")
    return lines


def cue_table(rows: list[dict], indent: str = "  ") -> list[str]:
    if not rows:
        return []
    width = max(len(r["cue"]) for r in rows)
    out = [f"{indent}{'cue':<{width}}  best  others"]
    for r in rows:
        out.append(f"{indent}{r['cue']:<{width}}  {r['best_share']:4.0%}  {r['other_share']:5.0%}")
    return out
