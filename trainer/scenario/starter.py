"""`trainer new`: a small, valid, commented starter scenario to edit."""

from __future__ import annotations

STARTER = '''\
# yaml-language-server: $schema=scenario.schema.json
# A starter scenario. Check it with:   trainer validate --strict {slug}.yaml
# Play it headless with:               trainer simulate {slug}.yaml --choose acknowledge,verify-first
# Try it in the app as you edit:       trainer preview {slug}.yaml
# The full format: docs/scenario-format.md

title: {title}
category: {category}
difficulty: beginner
role: Front desk                      # who the trainee is: Front desk, Call centre, Billing office...
summary: >-
  One or two sentences that set the scene: who arrives or calls, and what they want.
objectives:
  - Acknowledge the person and their feeling before solving anything (NURSE)
  - Offer a concrete next step you own (HEARD:resolve)
minutes: 3
version: 1                            # bump when you change the content
character:
  name: Jordan Avery                  # always an invented person
  role: Patient
  mood: 40                            # 0 furious ... 100 calm; bands: furious angry upset uneasy calm

nodes:
  opening:                            # the first node listed is where the scenario starts
    narration: A patient walks up to the desk, looking tense.
    says:
      default: I've been trying to get through on the phone all morning.
      angry: I've been calling ALL morning and nobody picks up!   # used when mood is in the angry band
    choices:
      - id: deflect                   # wrong answers as long and polite as the right one
        text: "Monday mornings are our busiest time, so the phones back up until about eleven."
        next: request
        points: {{empathy: -1, de-escalation: -1}}
        mood: -10
        feedback: True, but it explains your side rather than acknowledging theirs.
        tags: [NURSE:understanding]
      - id: acknowledge
        text: "All morning? That's so frustrating, I'm sorry. Let's sort it out here, now."
        next: request
        points: {{empathy: 2, de-escalation: 1}}
        mood: +20
        feedback: Naming the frustration (NURSE) before anything else lowers the temperature.
        tags: [NURSE:naming]

  request:
    says: I need to change my appointment on Thursday.
    choices:
      - id: read-schedule
        text: "Of course. Your 2:30 on Thursday is on the screen, so which day would suit you instead?"
        next: overshared
        points: {{privacy: -3}}
        critical: Read out appointment details before verifying identity.
        feedback: Verify identity before sharing anything from the record.
        tags: [verify:before-disclosure]
      - id: verify-first
        text: "Of course. What's your full name and date of birth, please, so I open the right record?"
        next: rebooked
        points: {{privacy: 2, resolution: 2}}
        feedback: Two identifiers before opening the record protects the patient's privacy.
        tags: [verify:two-identifiers]
      - id: call-back
        text: "The phones are quieter after lunch, and calling back then gets you through to scheduling quickly."
        next: sent-away
        points: {{resolution: -2, empathy: -1}}
        mood: -15
        feedback: Sending them back to the phone queue they just escaped leaves them without a solution.
        tags: [HEARD:resolve]

endings:
  rebooked:
    outcome: resolved
    says: Thank you, that's much easier than I expected.
    summary: Identity verified and the appointment moved.
  sent-away:
    outcome: partial
    summary: The patient left without a new appointment.
  overshared:
    outcome: failed
    summary: Appointment details were shared before identity was checked.
'''


def starter_text(slug: str, category: str) -> str:
    title = slug.replace("-", " ").replace("_", " ").capitalize()
    return STARTER.format(slug=slug, category=category, title=title)
