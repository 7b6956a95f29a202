"""Reading progress back out: report data, its text/CSV/HTML/JSON renderers and exports (CSV, JSON lines,
xAPI). Imports scenario, play and progress; never textual."""
