"""Playing a scenario: the state-machine engine, recording each choice as it is made, random playthroughs
and the analyze report. Imports scenario, progress and scoring; never textual."""
