"""The trainee app as HTML pages (`trainer serve` at `/`): sign-in, catalogue, brief, play, coaching and
debrief, server-rendered with Jinja2 on the same aiohttp server as the terminal app (now at `/terminal`).

Why HTML beside the terminal: a canvas terminal gives a screen reader nothing, does not reflow on a phone
or at 200% zoom, and costs a process per tab. These pages are plain forms (POST, then a 303 redirect to a
GET), so they work without JavaScript; static/app.js only adds a countdown display and moves the focus to
the newest line. Every rule (scoring, order seeds, wordings, forms, deadlines, the outbox, the audit trail,
sign-in lockouts) is the domain's own (trainer.play, trainer.progress, scoring): nothing is re-implemented
here. Never imports Textual, the TUI or click.

Modules: `sessions` (who is signed in: the signed cookie, CSRF, idle expiry, resolvers), `site` (the
objects a request works with: store, library, attempts being played), `routes` (the URL scheme),
`playing` (brief, play, coaching, debrief), `catalogue` (what the catalogue lists)."""
