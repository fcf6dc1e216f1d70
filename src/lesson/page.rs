//! The lesson page: one HTML file with its styles, its script and every grid point's results
//! inside — no network, no server — so that it opens from a USB stick or an email attachment.

use super::Lesson;
use crate::html::escape;

const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

/// The page of `lesson`.
pub fn html(lesson: &Lesson) -> Result<String, serde_json::Error> {
    // Inside <script>, "</" would end the element early: JSON allows "<" escaped.
    let data = serde_json::to_string(lesson)?.replace('<', "\\u003c");
    let title = escape(&lesson.title);
    let exercise = if lesson.question.is_some() {
        r#"<section id="exercise" aria-labelledby="exercise-h">
<h2 id="exercise-h">Exercise</h2>
<p id="question"></p>
<button type="button" id="reveal" aria-controls="answer" aria-expanded="false">Reveal the answer</button>
<div id="answer" hidden></div>
</section>"#
    } else {
        r#"<section id="exercise" hidden><p id="question"></p><button type="button" id="reveal"></button><div id="answer"></div></section>"#
    };
    Ok(format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{title} — a supportsim lesson</title>
<style>{CSS}</style>
</head>
<body>
<h1>{title}</h1>
<p class="sub">Every setting below was simulated {replications} times on the same seeds (seed {seed}, {days} day{plural}); figures are means with their 95% intervals.</p>
<section aria-labelledby="levers-h">
<h2 id="levers-h">Settings</h2>
<div id="levers"></div>
</section>
<p id="chain" aria-live="polite"></p>
<section aria-labelledby="tiles-h">
<h2 id="tiles-h">Figures</h2>
<div id="tiles"></div>
</section>
<section aria-labelledby="series-h">
<h2 id="series-h">Over the run</h2>
<p class="legend"><span class="b">solid line</span>: the point shown (mean), shaded: 8 replications in 10 fall inside; <span class="a">dashed line</span>: the pinned point A.</p>
<div id="series"></div>
</section>
<section aria-labelledby="ab-h">
<h2 id="ab-h">Compare two settings (A/B)</h2>
<button type="button" id="pin">Pin this point as A</button><button type="button" id="unpin" hidden>Unpin A</button>
<div id="ab-result"></div>
</section>
<section aria-labelledby="replay-h">
<h2 id="replay-h">One day, replayed</h2>
<p id="replay-what" class="legend"></p>
<div class="replay-controls">
<button type="button" id="play">Play</button>
<label for="speed">Speed</label> <select id="speed"><option value="1">1×</option><option value="4" selected>4×</option><option value="12">12×</option></select>
<label for="scrub">Time of day</label> <input type="range" id="scrub" min="0" max="287" step="1" value="0"> <output id="clock" for="scrub"></output>
</div>
<svg id="replay-svg" role="img" viewBox="0 0 1000 200"></svg>
<p id="replay-text" class="alt"></p>
</section>
{exercise}
<footer>Made with supportsim from {scenario}. The figures were computed by the simulation and are embedded in this page; nothing is fetched.</footer>
<script type="application/json" id="lesson-data">{data}</script>
<script>{JS}</script>
</body>
</html>
"#,
        replications = lesson.replications,
        seed = lesson.seed,
        days = lesson.days,
        plural = if lesson.days == 1 { "" } else { "s" },
        scenario = escape(&lesson.scenario),
    ))
}
