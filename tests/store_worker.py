"""A trainee process for the store tests: records choices on a looping scenario and reports each commit.

Run as: python -m tests.store_worker DB_PATH SCENARIO_FILE TRAINEE COUNT
It prints "committed SEQ" after every choice is committed (COUNT 0 = until killed).
"""

from __future__ import annotations

import sys

from trainer.scenario.loader import load_scenario
from trainer.play.recording import RecordedAttempt
from trainer.progress.store import Store


def main() -> None:
    db_path, scenario_file, trainee, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    scenario = load_scenario(scenario_file)
    store = Store.open(db_path)
    attempt = RecordedAttempt.start(store, store.trainee(trainee), scenario, "assessment")
    print(f"attempt {attempt.attempt_id}", flush=True)
    plan = ["warm-opening", "check-authorisation"]
    made = 0
    while count == 0 or made < count:
        choice = plan[made] if made < len(plan) else "explain-again"
        attempt.choose(choice)
        made += 1
        print(f"committed {made}", flush=True)
    store.close()


if __name__ == "__main__":
    main()
