// supportsim lesson page: every figure shown here was computed by supportsim and embedded
// below; this script only picks the grid point the sliders name, prints it, draws the series
// and, for A/B, takes the paired differences replication by replication as `compare` does.
"use strict";
(function () {
  const L = JSON.parse(document.getElementById("lesson-data").textContent);
  const dims = L.levers.map((l) => l.values.length);
  const state = L.levers.map(() => 0);
  let pinned = null;
  let revealed = false;
  const el = (tag, attrs, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  // Adds SVG elements to `s`: add(tag, attributes, text).
  const SVG = "http://www.w3.org/2000/svg";
  const drawer = (s) => (tag, attrs, text) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    s.appendChild(e);
    return e;
  };
  const index = (at) => at.reduce((i, v, k) => i * dims[k] + v, 0);
  const pointAt = (at) => L.points[index(at)];
  const figureByKey = Object.fromEntries(L.figures.map((f) => [f.key, f]));

  // ---- numbers, with their units ----
  function seconds(s) {
    const a = Math.abs(s);
    if (a < 90) return Math.round(s) + " s";
    if (a < 5400) return Math.round(s / 60) + " min";
    if (a < 172800) {
      let h = Math.floor(a / 3600), m = Math.round((a - h * 3600) / 60);
      if (m === 60) { h += 1; m = 0; }
      return (s < 0 ? "-" : "") + h + " h" + (m ? " " + m + " min" : "");
    }
    let d = Math.floor(a / 86400), h = Math.round((a - d * 86400) / 3600);
    if (h === 24) { d += 1; h = 0; }
    return (s < 0 ? "-" : "") + d + " d" + (h ? " " + h + " h" : "");
  }
  function fmt(unit, x, signed) {
    if (x === null || x === undefined || !isFinite(x)) return "—";
    const sign = signed && x > 0 ? "+" : "";
    const minus = (t) => t.replace(/^-/, "\u2212");
    switch (unit) {
      case "seconds": return minus(sign + seconds(x));
      case "share": return minus(sign + (100 * x).toFixed(1) + (signed ? " pts" : "%"));
      case "money": return minus(sign + Math.round(x).toLocaleString("en-US"));
      default:
        return minus(sign + (Math.abs(x) >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(1)));
    }
  }
  const unitWords = { seconds: "duration", share: "%", count: "count", money: "money" };

  // ---- the levers ----
  function settingsText(at) {
    return L.levers.map((l, k) => l.label + " = " + l.values[at[k]]).join(", ");
  }
  function buildLevers() {
    const box = document.getElementById("levers");
    L.levers.forEach((l, k) => {
      const row = el("div", { class: "lever" });
      const id = "lever-" + k;
      const label = el("label", { for: id }, l.label);
      if (l.label !== l.path) label.appendChild(el("span", { class: "path" }, l.path));
      row.appendChild(label);
      if (l.values.length === 2) {
        const b = el("button", { id, type: "button", class: "toggle", "aria-pressed": "false" });
        b.addEventListener("click", () => { state[k] = 1 - state[k]; update(); });
        row.appendChild(b);
      } else {
        const r = el("input", { id, type: "range", min: "0", max: String(l.values.length - 1), step: "1", value: "0" });
        r.addEventListener("input", () => { state[k] = Number(r.value); update(); });
        row.appendChild(r);
        const ticks = el("div", { class: "ticks", "aria-hidden": "true" });
        l.values.forEach((v) => ticks.appendChild(el("span", {}, v)));
        row.appendChild(ticks);
      }
      row.appendChild(el("output", { id: id + "-value", for: id }));
      box.appendChild(row);
    });
  }
  function showLevers() {
    L.levers.forEach((l, k) => {
      const input = document.getElementById("lever-" + k);
      const text = l.values[state[k]];
      if (input.tagName === "BUTTON") {
        input.setAttribute("aria-pressed", String(state[k] === 1));
        input.textContent = text;
      } else {
        input.value = String(state[k]);
        input.setAttribute("aria-valuetext", text);
      }
      document.getElementById("lever-" + k + "-value").textContent = text;
    });
  }

  // ---- the URL hash: lesson.html#path=value&A.path=value&reveal=1 ----
  function writeHash() {
    const parts = L.levers.map((l, k) => encodeURIComponent(l.label) + "=" + encodeURIComponent(l.values[state[k]]));
    if (pinned) parts.push(...L.levers.map((l, k) => "A." + encodeURIComponent(l.label) + "=" + encodeURIComponent(l.values[pinned[k]])));
    if (revealed) parts.push("reveal=1");
    history.replaceState(null, "", "#" + parts.join("&"));
  }
  function readHash() {
    const h = decodeURIComponent(location.hash.replace(/^#/, ""));
    let pin = null;
    revealed = false;
    for (const part of h.split("&")) {
      const eq = part.indexOf("=");
      if (eq < 0) continue;
      let path = part.slice(0, eq);
      const value = part.slice(eq + 1);
      if (path === "reveal") { revealed = value === "1"; continue; }
      let target = state;
      const named = (p) => L.levers.findIndex((l) => l.label === p || l.path === p);
      if (path.startsWith("A.") && named(path) < 0) {
        path = path.slice(2);
        pin = pin || state.slice();
        target = pin;
      }
      const k = named(path);
      if (k < 0) continue;
      const v = L.levers[k].values.indexOf(value);
      if (v >= 0) target[k] = v;
    }
    pinned = pin;
  }

  // ---- the headline tiles and the chain ----
  function showTiles(p) {
    const box = document.getElementById("tiles");
    box.textContent = "";
    for (const f of L.figures) {
      const v = p.figures[f.key];
      const t = el("div", { class: "tile", "data-key": f.key });
      t.appendChild(el("div", { class: "tile-label" }, f.label));
      if (v && v.mean !== null) {
        t.setAttribute("data-mean", String(v.mean));
        t.setAttribute("data-ci-low", String(v.ci_low));
        t.setAttribute("data-ci-high", String(v.ci_high));
        t.appendChild(el("div", { class: "tile-value" }, fmt(f.unit, v.mean)));
        t.appendChild(el("div", { class: "tile-ci" }, "95%: " + fmt(f.unit, v.ci_low) + " to " + fmt(f.unit, v.ci_high)));
      } else {
        t.appendChild(el("div", { class: "tile-value" }, "—"));
        t.appendChild(el("div", { class: "tile-ci" }, "not defined here"));
      }
      box.appendChild(t);
    }
  }
  function showChain(p) {
    const kind = L.figures.some((f) => f.key === "written.frt_mean_seconds") ? "written" : "live";
    const steps = [settingsText(state)];
    const add = (key, words) => {
      const f = figureByKey[key], v = p.figures[key];
      if (f && v && v.mean !== null) steps.push(words(fmt(f.unit, v.mean)));
    };
    if (kind === "written") add("written.frt_mean_seconds", (x) => "first reply " + x);
    else add("live.asa_seconds", (x) => "answered in " + x);
    add(kind + ".csat", (x) => "CSAT " + x);
    add("churned_customers", (x) => x + " customers lost");
    add("lifetime_value_lost", (x) => x + " of lifetime value");
    document.getElementById("chain").textContent = steps.join(" \u2192 ");
  }

  // ---- the series ----
  function niceMax(x) {
    if (!(x > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(x)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
    return 10 * p;
  }
  const periodWord = { week: "week", day: "day", interval: "interval" }[L.period];
  // A week or a day by its number from 1; an interval of a one-day run by its time of day.
  function periodName(i) {
    if (L.period !== "interval") return String(i + 1);
    const t = Math.round((i * L.period_seconds) / 60) % 1440;
    return String(Math.floor(t / 60)).padStart(2, "0") + ":" + String(t % 60).padStart(2, "0");
  }
  const periodLabel = (i) => (L.period === "interval" ? periodName(i) : periodWord + " " + (i + 1));
  function chart(info, line, pinLine) {
    const W = 640, H = 260, left = 86, right = 16, top = 16, bottom = 52;
    const n = line.mean.length;
    const vals = [...line.p90, ...line.mean, ...(pinLine ? pinLine.mean : [])].filter((v) => v !== null);
    const top0 = Math.max(0, ...vals);
    // Durations get steps of whole hours or days once they pass two hours.
    const scale = info.unit === "seconds" ? (top0 > 172800 ? 86400 : top0 > 7200 ? 3600 : top0 > 120 ? 60 : 1) : 1;
    const ymax = niceMax(top0 / scale) * scale;
    const x = (i) => left + (n > 1 ? (i * (W - left - right)) / (n - 1) : (W - left - right) / 2);
    const y = (v) => top + (H - top - bottom) * (1 - v / ymax);
    const s = document.createElementNS(SVG, "svg");
    s.setAttribute("viewBox", "0 0 " + W + " " + H);
    s.setAttribute("role", "img");
    const add = drawer(s);
    for (let t = 0; t <= 4; t++) {
      const v = (ymax * t) / 4;
      add("line", { x1: left, x2: W - right, y1: y(v), y2: y(v), class: "grid" });
      add("text", { x: left - 8, y: y(v) + 6, "text-anchor": "end", class: "tick" }, fmt(info.unit, v));
    }
    const step = Math.max(1, Math.ceil(n / 8));
    for (let i = 0; i < n; i += step) add("text", { x: x(i), y: H - bottom + 22, "text-anchor": "middle", class: "tick" }, periodName(i));
    add("text", { x: (left + W - right) / 2, y: H - 6, "text-anchor": "middle", class: "axis" }, L.period === "interval" ? "time of day (start of each interval)" : periodWord + " of the run");
    add("text", { x: 16, y: top + (H - top - bottom) / 2, "text-anchor": "middle", class: "axis", transform: "rotate(-90 16 " + (top + (H - top - bottom) / 2) + ")" }, unitWords[info.unit]);
    const pts = (arr) => arr.map((v, i) => (v === null ? null : x(i) + "," + y(v))).filter((q) => q !== null);
    const lo = pts(line.p10), hi = pts(line.p90);
    if (lo.length && hi.length) add("polygon", { points: [...hi, ...lo.reverse()].join(" "), class: "band" });
    add("polyline", { points: pts(line.mean).join(" "), class: "mean" });
    if (pinLine) add("polyline", { points: pts(pinLine.mean).join(" "), class: "pinned" });
    const defined = line.mean.map((v, i) => [v, i]).filter((q) => q[0] !== null);
    let words = info.label + ", mean per " + periodWord + " with the replications' P10 to P90 band";
    if (defined.length) {
      const first = defined[0], last = defined[defined.length - 1];
      const peak = defined.reduce((a, b) => (b[0] > a[0] ? b : a));
      words += ": " + periodLabel(first[1]) + " " + fmt(info.unit, first[0]) + ", highest " + fmt(info.unit, peak[0]) + " at " + periodLabel(peak[1]) + ", " + periodLabel(last[1]) + " " + fmt(info.unit, last[0]) + " (P10 to P90: " + fmt(info.unit, line.p10[last[1]]) + " to " + fmt(info.unit, line.p90[last[1]]) + ")";
    }
    s.setAttribute("aria-label", words);
    return [s, words];
  }
  function showSeries(p) {
    const box = document.getElementById("series");
    box.textContent = "";
    const a = pinned ? pointAt(pinned) : null;
    for (const info of L.series) {
      const line = p.series[info.key];
      if (!line) continue;
      const fig = el("figure", { class: "chart", "data-key": info.key });
      fig.appendChild(el("figcaption", {}, info.label));
      const [svg, words] = chart(info, line, a ? a.series[info.key] : null);
      fig.appendChild(svg);
      fig.appendChild(el("p", { class: "alt" }, words));
      box.appendChild(fig);
    }
  }

  // ---- A/B: paired differences, replication by replication ----
  function paired(a, b) {
    const d = [];
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const x = a[i], y = b[i];
      if (x !== null && y !== null && isFinite(x) && isFinite(y)) d.push(y - x);
    }
    const n = d.length;
    if (!n) return null;
    let sum = 0;
    for (const v of d) sum += v;
    const mean = sum / n;
    if (n < 2) return { mean, lo: null, hi: null };
    let ss = 0;
    for (const v of d) ss += (v - mean) * (v - mean);
    const se = Math.sqrt(ss / (n - 1) / n);
    const half = L.t975[n - 1] * se;
    return { mean, lo: mean - half, hi: mean + half };
  }
  function showAB(p) {
    const box = document.getElementById("ab-result");
    box.textContent = "";
    document.getElementById("unpin").hidden = !pinned;
    if (!pinned) {
      box.appendChild(el("p", {}, "Pin a point as A, then move the sliders: B is the point they show, and each figure's difference B \u2212 A is taken replication by replication on the same seeds."));
      return;
    }
    const a = pointAt(pinned);
    box.appendChild(el("p", { id: "ab-settings" }, "A: " + settingsText(pinned) + " \u2014 B: " + settingsText(state)));
    const table = el("table", { id: "ab-table" });
    const head = el("tr");
    for (const h of ["figure", "A", "B", "B \u2212 A (95% interval)"]) head.appendChild(el("th", { scope: "col" }, h));
    table.appendChild(head);
    for (const f of L.figures) {
      const va = a.figures[f.key], vb = p.figures[f.key];
      if (!va || !vb) continue;
      const d = paired(va.reps, vb.reps);
      const row = el("tr", { "data-key": f.key });
      row.appendChild(el("th", { scope: "row" }, f.label));
      row.appendChild(el("td", {}, fmt(f.unit, va.mean)));
      row.appendChild(el("td", {}, fmt(f.unit, vb.mean)));
      const cell = el("td", {}, d ? fmt(f.unit, d.mean, true) + (d.lo !== null ? "  (" + fmt(f.unit, d.lo, true) + " to " + fmt(f.unit, d.hi, true) + ")" : "") : "—");
      if (d) {
        cell.setAttribute("data-diff-mean", String(d.mean));
        cell.setAttribute("data-diff-low", String(d.lo));
        cell.setAttribute("data-diff-high", String(d.hi));
        const sure = d.lo !== null && (d.lo > 0 || d.hi < 0);
        const better = sure && ((d.mean > 0) === f.higher_is_better);
        cell.className = sure ? (better ? "better" : "worse") : "same";
      }
      row.appendChild(cell);
      table.appendChild(row);
    }
    box.appendChild(table);
  }

  // ---- the exercise ----
  function showExercise() {
    const box = document.getElementById("exercise");
    if (!L.question) { box.hidden = true; return; }
    box.hidden = false;
    document.getElementById("question").textContent = L.question.text;
    const button = document.getElementById("reveal");
    button.setAttribute("aria-expanded", String(revealed));
    button.textContent = revealed ? "Hide the answer" : "Reveal the answer";
    const out = document.getElementById("answer");
    out.hidden = !revealed;
    out.textContent = "";
    if (!revealed) return;
    const A = L.answer, q = L.question;
    const conds = q.conditions.map((c) => c.key + " " + c.op + " " + c.value).join(" and ");
    if (A.best === null) {
      out.appendChild(el("p", { id: "answer-best" }, "No point of this grid keeps " + conds + " on the mean: widen the levers."));
      return;
    }
    const best = L.points[A.best];
    const word = q.goal === "minimize" ? "lowest" : "highest";
    out.appendChild(el("p", { id: "answer-best", "data-point": String(A.best) }, "Best: " + settingsText(best.at) + " \u2014 " + q.key + " " + A.values[A.best].objective.toLocaleString("en-US", { maximumFractionDigits: 3 }) + "."));
    out.appendChild(el("p", {}, "Why: of the " + L.points.length + " points, " + A.feasible.length + (conds ? " keep " + conds + " (mean of the replications)" : " are allowed") + ", and this one has the " + word + " " + q.key + " among them."));
    const go = el("button", { type: "button" }, "Go to it");
    go.addEventListener("click", () => { best.at.forEach((v, k) => (state[k] = v)); update(); });
    out.appendChild(go);
    const here = index(state);
    out.appendChild(el("p", { id: "answer-here" }, A.feasible.includes(here) ? "The point shown keeps the conditions." : "The point shown does not keep the conditions."));
  }

  // ---- one day replayed, from the first replication's contacts ----
  const FRAMES = Math.round(86400 / L.replay_frame_seconds);
  const weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
  let frame = 0, timer = null;
  function clockOf(f) {
    const t = Math.round((f * L.replay_frame_seconds) / 60);
    return String(Math.floor(t / 60)).padStart(2, "0") + ":" + String(t % 60).padStart(2, "0");
  }
  function firstBusyFrame(r) {
    for (let f = 0; f < FRAMES; f++) if (r.agents[f] > 0) return Math.max(0, f - 2);
    return 0;
  }
  function showReplay() {
    const r = pointAt(state).replay;
    const s = document.getElementById("replay-svg");
    s.textContent = "";
    const add = drawer(s);
    const W = 1000, rowH = 70, left = 150, right = 20;
    const sum = (a) => a.slice(0, frame + 1).reduce((x, y) => x + y, 0);
    const words = [];
    L.channels.forEach((c, k) => {
      const ch = r.channels[k], y = 20 + k * rowH;
      const peak = Math.max(1, ...ch.waiting);
      const x = (f) => left + (f * (W - left - right)) / (FRAMES - 1);
      const yv = (v) => y + 40 - (36 * v) / peak;
      add("text", { x: 0, y: y + 18, class: "axis" }, c.name);
      add("text", { x: 0, y: y + 40, class: "tick" }, ch.waiting[frame] + " waiting");
      add("polyline", { points: ch.waiting.map((v, f) => x(f) + "," + yv(v)).join(" "), class: "mean" });
      add("line", { x1: x(frame), x2: x(frame), y1: y, y2: y + 44, class: "cursor" });
      const gone = sum(ch.abandoned), within = sum(ch.within), late = sum(ch.late);
      add("text", { x: left, y: y + 62, class: "tick" }, "so far: " + within + " answered within " + seconds(c.answer_within) + ", " + late + " later" + (c.kind === "async" ? "" : ", " + gone + " hung up"));
      words.push(c.name + ": " + ch.waiting[frame] + " waiting, " + within + " answered within target and " + late + " later so far" + (c.kind === "async" ? "" : ", " + gone + " hung up"));
    });
    const y0 = 30 + L.channels.length * rowH;
    const agents = Math.round(r.agents[frame]);
    const busy = Math.min(agents, r.handling[frame]);
    add("text", { x: 0, y: y0 + 16, class: "axis" }, "agents");
    add("text", { x: 0, y: y0 + 38, class: "tick" }, busy + " busy, " + (agents - busy) + " free");
    for (let a = 0; a < agents; a++) {
      const col = a % 30, row = Math.floor(a / 30);
      add("rect", { x: left + col * 27, y: y0 + row * 27, width: 22, height: 22, rx: 4, class: a < busy ? "busy" : "idle" });
    }
    s.setAttribute("viewBox", "0 0 " + W + " " + (y0 + Math.max(48, 27 * Math.ceil(agents / 30)) + 10));
    const text = clockOf(frame) + ". " + words.join("; ") + "; agents: " + busy + " busy, " + (agents - busy) + " free.";
    s.setAttribute("aria-label", "Replay at " + text);
    document.getElementById("replay-text").textContent = text;
    document.getElementById("clock").textContent = clockOf(frame);
    const scrub = document.getElementById("scrub");
    scrub.value = String(frame);
    scrub.setAttribute("aria-valuetext", clockOf(frame));
    document.body.setAttribute("data-replay-frame", String(frame));
  }
  function step() {
    if (frame >= FRAMES - 1) { pause(); return; }
    frame += 1;
    showReplay();
  }
  function pause() {
    if (timer) clearInterval(timer);
    timer = null;
    document.getElementById("play").textContent = "Play";
  }
  function play() {
    if (timer) { pause(); return; }
    if (frame >= FRAMES - 1) frame = 0;
    const speed = Number(document.getElementById("speed").value);
    timer = setInterval(step, 400 / speed);
    document.getElementById("play").textContent = "Pause";
  }
  function buildReplay() {
    document.getElementById("replay-what").textContent = "Day " + (L.replay_day + 1) + " of the run (a " + weekdays[L.replay_weekday] + "), the first replication, every " + Math.round(L.replay_frame_seconds / 60) + " minutes: the queue of each channel through the day (the line; the cursor is the time shown), what has been answered and lost so far, and the agents on the floor, busy or free.";
    const scrub = document.getElementById("scrub");
    scrub.max = String(FRAMES - 1);
    scrub.addEventListener("input", () => { frame = Number(scrub.value); showReplay(); });
    document.getElementById("play").addEventListener("click", play);
    document.getElementById("speed").addEventListener("change", () => { if (timer) { pause(); play(); } });
    frame = firstBusyFrame(pointAt(state).replay);
    document.body.setAttribute("data-replay-start", String(frame));
  }

  function update() {
    const started = performance.now();
    const p = pointAt(state);
    showLevers();
    showTiles(p);
    showChain(p);
    showSeries(p);
    showAB(p);
    showExercise();
    showReplay();
    writeHash();
    document.body.setAttribute("data-redraw-ms", (performance.now() - started).toFixed(1));
  }

  buildLevers();
  buildReplay();
  document.getElementById("pin").addEventListener("click", () => { pinned = state.slice(); update(); });
  document.getElementById("unpin").addEventListener("click", () => { pinned = null; update(); });
  document.getElementById("reveal").addEventListener("click", () => { revealed = !revealed; update(); });
  window.addEventListener("hashchange", () => { readHash(); update(); });
  // `#…&selftest=1`: move every slider one step and back through its own input events, as a
  // hand on the keyboard or mouse would, and note how long each redraw took (for the checks).
  function selftest() {
    const times = [];
    L.levers.forEach((l, k) => {
      const input = document.getElementById("lever-" + k);
      const before = state[k];
      const move = (v) => {
        if (input.tagName === "BUTTON") input.click();
        else {
          input.value = String(v);
          input.dispatchEvent(new Event("input"));
        }
        if (state[k] !== v) throw new Error("lever " + l.label + " did not move to " + l.values[v]);
        times.push(Number(document.body.getAttribute("data-redraw-ms")));
      };
      move(before + 1 < l.values.length ? before + 1 : before - 1);
      move(before);
    });
    document.body.setAttribute("data-slider-moves", String(times.length));
    document.body.setAttribute("data-slider-max-ms", Math.max(...times).toFixed(1));
  }
  const testing = /(^|&)selftest=1(&|$)/.test(location.hash.replace(/^#/, ""));
  readHash();
  update();
  if (testing) {
    selftest();
    play();
  }
  document.body.setAttribute("data-ready", "1");
})();
