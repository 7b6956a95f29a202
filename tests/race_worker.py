"""One window in the two-window race (tests/test_one_answer_per_step.py): resumes a shared attempt and
answers the step it shows, again and again, as a trainee with the attempt open twice would.

Run as: python -m tests.race_worker DB_PATH SCENARIO_FILE ATTEMPT_ID ROUNDS GO_FILE
Waits for GO_FILE (both windows start together), then prints one line per round: "saved", "moved-on",
"elsewhere" or "busy"."""

from __future__ import annotations

import os
import sys
import time

from trainer.play.recording import RecordedAttempt
from trainer.progress.store import AttemptElsewhere, AttemptMovedOn, Store, StoreError
from trainer.scenario.loader import load_scenario


def main() -> None:
    db_path, scenario_file, attempt_id, rounds, go = sys.argv[1:6]
    rounds = int(rounds)
    scenario = load_scenario(scenario_file)
    store = Store.open(db_path)
    for _ in range(2000):  # bounded wait for the start signal
        if os.path.exists(go):
            break
        time.sleep(0.005)
    for _ in range(rounds):
        try:
            attempt = RecordedAttempt.resume(store, attempt_id, scenario)
            options = [c.id for c in attempt.session.options()]
            # stay on the looping node where there is one: the race needs an attempt that goes on
            attempt.choose("explain-again" if "explain-again" in options else options[0])
            print("saved", flush=True)
        except AttemptMovedOn:
            print("moved-on", flush=True)
        except AttemptElsewhere:
            print("elsewhere", flush=True)
        except StoreError:
            print("busy", flush=True)
    store.close()


if __name__ == "__main__":
    main()
