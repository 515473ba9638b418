import SklogAnalysis
import SklogRecords

/// The page around the sections: inline CSS, the embedded data (chart CSVs, filter data) as
/// script-safe JSON, and one inline script for downloads (SVG, PNG, CSV), copy buttons, the
/// filters and the render check the browser tests read.
extension HTMLReport {
    static func page(body: String, charts: [ReportChart], filter: String) -> String {
        // Chart data for the CSV downloads, as JSON made safe for an inline script.
        var json = "{"
        json += charts.map { JSONText.quoted($0.id) + ":" + JSONText.quoted($0.csv) }.joined(separator: ",")
        json += "}"
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data: blob:">
        <title>sklog report</title>
        <style>\(css)</style>
        </head><body>
        \(body)
        <script type="application/json" id="chart-data">\(HTML.scriptSafeJSON(json))</script>
        <script type="application/json" id="filter-data">\(HTML.scriptSafeJSON(filter))</script>
        <script>\(script)</script>
        </body></html>

        """
    }

    static let css = """
    :root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#fff;--accent:#2563eb}
    *{box-sizing:border-box}
    body{margin:0 auto;max-width:1440px;padding:16px 24px 48px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
    h1{font-size:24px;margin:8px 0}h2{font-size:19px;margin:28px 0 10px;padding-top:8px;border-top:1px solid var(--line)}h3{font-size:15px;margin:18px 0 8px}h4{font-size:14px;margin:10px 0 6px}
    section{scroll-margin-top:56px}
    .meta,.note{color:var(--muted);margin:4px 0}
    nav.toc{margin:10px 0;padding:8px 12px;border:1px solid var(--line);border-radius:8px}
    nav.toc ol{margin:4px 0 0;padding-left:20px;columns:4 180px;column-gap:24px}
    nav.toc a{color:var(--accent);text-decoration:none}
    form.filters{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;gap:8px 14px;align-items:center;background:#f9fafb;border:1px solid var(--line);border-radius:8px;padding:6px 12px;margin:8px 0}
    form.filters select,form.filters button{font:inherit;font-size:13px}
    form.filters .note{font-size:12px;flex:1 1 320px}
    .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;margin:6px 0 10px}
    .card{border:1px solid var(--line);border-radius:8px;padding:10px 12px;min-width:0}
    .card .label{color:var(--muted);font-size:12px}.card .value{font-size:22px;font-weight:600}.card .note{font-size:11px}
    .delta{font-size:11px;color:var(--muted);margin-top:2px}.delta.better{color:#15803d}.delta.worse{color:#b91c1c}
    .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(560px,100%),1fr));gap:16px}
    .grid>*{min-width:0}
    figure.chart{margin:0 0 12px;border:1px solid var(--line);border-radius:8px;padding:10px;min-width:0}
    figcaption{display:flex;flex-wrap:wrap;gap:6px;justify-content:space-between;align-items:center;font-weight:600;margin-bottom:6px}
    figcaption .filtered{font-weight:400;font-size:12px;color:#b45309}
    .dl button{margin-left:6px;font-size:12px;padding:2px 8px;border:1px solid var(--line);border-radius:4px;background:#f9fafb;cursor:pointer}
    .plot{overflow-x:auto}.plot svg{max-width:100%;height:auto;display:block}
    #outcomes .plot svg{width:100%}
    .scroll{overflow-x:auto;max-width:100%}
    table{border-collapse:collapse;font-size:13px;margin:4px 0 8px}
    th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}
    th{background:#f9fafb;font-weight:600}
    table.ids td{white-space:nowrap}table.ids td:nth-child(3),table.ids td:nth-child(6){white-space:normal;max-width:260px;overflow-wrap:anywhere}
    table.turns td:nth-child(-n+2){white-space:nowrap}table.turns td:nth-child(4){min-width:200px;max-width:420px;overflow-wrap:anywhere}
    .id{white-space:nowrap}
    td code{font-size:12px;white-space:nowrap}
    button.copy{margin-left:4px;padding:0 4px;font-size:11px;line-height:16px;border:1px solid var(--line);border-radius:3px;background:#fff;color:var(--muted);cursor:pointer}
    table.utterances td:first-child{max-width:520px;white-space:pre-wrap;word-break:break-word}
    table.paths td:first-child{max-width:900px}
    .path .arrow{color:var(--muted);padding:0 2px}
    .bar{display:inline-block;height:8px;background:var(--accent);border-radius:2px;vertical-align:middle}
    details{margin:6px 0}
    details.session{border:1px solid var(--line);border-radius:8px;padding:4px 12px}
    details.session>summary{cursor:pointer;padding:4px 0;font-weight:600}
    details.session[open]>summary{margin-bottom:4px}
    .session:target{outline:3px solid var(--accent)}
    .bad,.outcome-failed{color:#dc2626;font-weight:600}.outcome-no_response{color:#d97706;font-weight:600}
    mark{background:#fef08a}
    footer{margin-top:32px;color:var(--muted);font-size:12px}
    """

    static let script = """
    (function(){
      "use strict";
      function json(id) {
        try { return JSON.parse(document.getElementById(id).textContent); } catch (e) { console.error(id + ": " + e); return {}; }
      }
      var data = json("chart-data"), filter = json("filter-data");
      var has = function(o, k) { return Object.prototype.hasOwnProperty.call(o, k); };
      var mode = location.hash;
      // In the export and test modes downloads are collected in #png-export instead of saved.
      var collected = null;
      function download(name, blob) {
        if (collected) {
          var r = new FileReader();
          r.onload = function() { collected.push({name: name, url: r.result}); collected.done(); };
          r.readAsDataURL(blob);
          return;
        }
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = name;
        document.body.appendChild(a);
        a.click();
        setTimeout(function(){ URL.revokeObjectURL(a.href); a.remove(); }, 0);
      }
      function svgOf(id) { var f = document.getElementById(id); return f && f.querySelector(".plot svg"); }
      function svgText(svg) { return new XMLSerializer().serializeToString(svg); }
      // The chart's SVG drawn on a canvas of the chart's size (white background), as a PNG blob.
      function png(id, done) {
        var svg = svgOf(id);
        if (!svg) return;
        var w = Math.round(svg.width.baseVal.value), h = Math.round(svg.height.baseVal.value);
        var img = new Image();
        img.onload = function() {
          var c = document.createElement("canvas");
          c.width = w; c.height = h;
          var g = c.getContext("2d");
          g.fillStyle = "#ffffff"; g.fillRect(0, 0, w, h);
          g.drawImage(img, 0, 0, w, h);
          c.toBlob(function(b) { done(b); }, "image/png");
        };
        img.onerror = function() { console.error("PNG: the SVG of " + id + " did not load"); };
        img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svgText(svg));
      }
      document.addEventListener("click", function(e) {
        var t = e.target;
        if (!t || !t.getAttribute) return;
        var svgId = t.getAttribute("data-svg"), csvId = t.getAttribute("data-csv"), pngId = t.getAttribute("data-png"), copy = t.getAttribute("data-copy");
        if (svgId && svgOf(svgId)) download(svgId + ".svg", new Blob(['<?xml version="1.0" encoding="UTF-8"?>\\n' + svgText(svgOf(svgId))], {type: "image/svg+xml"}));
        if (pngId) png(pngId, function(b) { download(pngId + ".png", b); });
        if (csvId && has(data, csvId)) download(csvId + ".csv", new Blob([data[csvId]], {type: "text/csv"}));
        if (copy !== null) {
          e.preventDefault();  // inside a session's <summary>: copy, don't toggle
          var ok = function() { t.textContent = "✓"; setTimeout(function(){ t.textContent = "⧉"; }, 1200); };
          if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(copy).then(ok, function(){});
        }
        var href = t.getAttribute("href");
        if (href && href.indexOf("#session-") === 0) { var d = document.getElementById(href.slice(1)); if (d) d.open = true; }
      });
      if (/^#session-/.test(mode)) { var ds = document.getElementById(mode.slice(1)); if (ds) ds.open = true; }

      // MARK: Numbers as the Swift side writes them.
      function decimal(v, places) {
        var scale = Math.pow(10, places), m = Math.round(Math.abs(v) * scale);
        var ip = Math.floor(m / scale), fp = m % scale, digits = places;
        while (digits > 0 && fp % 10 === 0) { fp = fp / 10; digits--; }
        var s = (v < 0 && m !== 0 ? "-" : "") + ip;
        if (digits > 0) { var f = String(fp); while (f.length < digits) f = "0" + f; s += "." + f; }
        return s;
      }
      function grouped(n) {
        var s = String(Math.abs(n)), out = "";
        for (var i = 0; i < s.length; i++) { if (i > 0 && (s.length - i) % 3 === 0) out += ","; out += s[i]; }
        return (n < 0 ? "-" : "") + out;
      }
      function round(v) { return v < 0 ? -Math.round(-v) : Math.round(v); }
      function compact(v) {
        var a = Math.abs(v);
        if (a >= 1e6) return decimal(v / 1e6, 1) + "M";
        if (a >= 1e4) return decimal(v / 1e3, 0) + "k";
        if (a >= 1e3) return decimal(v / 1e3, 1) + "k";
        if (a >= 10 || v === Math.round(v)) return decimal(v, 0);
        return decimal(v, 2);
      }
      function duration(ms) { return ms >= 1000 ? decimal(ms / 1000, 2) + " s" : decimal(ms, ms < 10 ? 1 : 0) + " ms"; }
      function esc(s) { return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;"); }
      function n1(v) { return decimal(v, 1); }

      // MARK: Charts drawn again for a filtered view (the same drawing as the Swift side).
      var palette = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];
      function open(w, h, label) {
        return '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ' + w + ' ' + h + '" width="' + w + '" height="' + h + '" role="img" aria-label="' + esc(label) + '" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="11">';
      }
      function text(x, y, s, anchor, fill, extra) {
        return '<text x="' + n1(x) + '" y="' + n1(y) + '" text-anchor="' + (anchor || "start") + '" fill="' + (fill || "#374151") + '"' + (extra || "") + '>' + esc(s) + '</text>';
      }
      function niceCeil(v) {
        if (!(v > 0)) return 1;
        var p = 1; while (p * 10 <= v) p *= 10; while (p > v) p /= 10;
        var ms = [1, 2, 2.5, 5, 10];
        for (var i = 0; i < ms.length; i++) if (ms[i] * p >= v) return ms[i] * p;
        return 10 * p;
      }
      function logTicks(lo, hi, height) {
        var per = height / Math.max(Math.log10(hi) - Math.log10(lo), 1e-9);
        var mults = per >= 60 ? [1, 2, 5] : per >= 30 ? [1, 3] : [1], out = [];
        for (var p = lo; p <= hi * 1.0001; p *= 10) for (var i = 0; i < mults.length; i++) if (mults[i] * p <= hi * 1.0001) out.push(mults[i] * p);
        return out;
      }
      function textWidth(s) { return String(s).length * 6.4; }
      // The same labels as SVGChart.xLabels.
      function xLabels(labels, x, y, width) {
        var n = labels.length, s = "", step = Math.max(1, Math.ceil(n / 8)), shown = [];
        for (var i = 0; i < n; i += step) shown.push(i);
        if (n && shown[shown.length - 1] !== n - 1) {
          var l = shown[shown.length - 1];
          if (l > 0 && x(n - 1) - x(l) < textWidth(labels[l]) + 8) shown.pop();
          shown.push(n - 1);
        }
        shown.forEach(function(i) {
          var w = textWidth(labels[i]), anchor = "middle", at = x(i);
          if (at + w / 2 > width - 2) { anchor = "end"; at = Math.min(at + w / 2, width - 2); }
          else if (at - w / 2 < 2) { anchor = "start"; at = Math.max(at - w / 2, 2); }
          s += text(at, y, labels[i], anchor, "#6b7280", ' class="xlabel"');
        });
        return s;
      }
      function lines(series, labels, title, log, partial) {
        partial = partial || [];
        var width = 680, height = log ? 260 : 230, l = log ? 60 : 52, r = log ? 78 : 12, t = 12, b = 48;
        var pw = width - l - r, ph = height - t - b, all = [];
        series.forEach(function(s) { s.values.forEach(function(v) { if (v !== null && (!log || v > 0)) all.push(v); }); });
        var n = labels.length, lo = 1, hi = 10, maxV = 1;
        if (log) {
          if (all.length) { var mn = Math.min.apply(null, all), mx = Math.max.apply(null, all); while (lo * 10 <= mn) lo *= 10; hi = lo * 10; while (hi < mx) hi *= 10; }
        } else maxV = niceCeil(all.length ? Math.max.apply(null, all) : 1);
        var x = function(i) { return n <= 1 ? l + pw / 2 : l + pw * i / (n - 1); };
        var y = log ? function(v) { return t + ph - ph * (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)); }
                    : function(v) { return t + ph - ph * v / maxV; };
        var s = open(width, height, title), ticks = [];
        if (log) ticks = logTicks(lo, hi, ph); else for (var k = 0; k <= 4; k++) ticks.push(maxV * k / 4);
        ticks.forEach(function(v) {
          s += '<line x1="' + n1(l) + '" x2="' + n1(l + pw) + '" y1="' + n1(y(v)) + '" y2="' + n1(y(v)) + '" stroke="#e5e7eb"/>';
          s += log ? text(l - 6, y(v) + 4, duration(v), "end", "#6b7280", ' class="tick" data-value="' + n1(v) + '"') : text(l - 6, y(v) + 4, compact(v), "end", "#6b7280");
        });
        if (log) s += text(12, t + ph / 2, "log scale", "middle", "#9ca3af", ' font-size="10" transform="rotate(-90 12 ' + n1(t + ph / 2) + ')"');
        s += xLabels(labels, x, t + ph + 14, width);
        var legend = [];
        series.forEach(function(sr, si) {
          var color = palette[si % palette.length], d = "", dashed = "", pen = false, prev = -1, last = -1;
          sr.values.forEach(function(v, i) {
            if (v === null) { pen = false; prev = -1; return; }
            if (prev >= 0 && (partial[prev] || partial[i])) dashed += "M" + n1(x(prev)) + " " + n1(y(sr.values[prev])) + "L" + n1(x(i)) + " " + n1(y(v));
            prev = i; last = i;
            if (partial[i]) { pen = false; return; }
            d += (pen ? "L" : "M") + n1(x(i)) + " " + n1(y(v)); pen = true;
          });
          if (d) s += '<path d="' + d + '" fill="none" stroke="' + color + '" stroke-width="2"/>';
          if (dashed) s += '<path class="partial" d="' + dashed + '" fill="none" stroke="' + color + '" stroke-width="1.5" stroke-dasharray="4 3"/>';
          sr.values.forEach(function(v, i) {
            if (v === null) return;
            var p = !!partial[i], fill = p ? '#ffffff" stroke="' + color + '" stroke-width="1.5" class="partial' : color;
            s += '<circle cx="' + n1(x(i)) + '" cy="' + n1(y(v)) + '" r="' + (p ? "3" : "2.5") + '" fill="' + fill + '"><title>' + esc(sr.name + " " + labels[i] + (p ? " (partial)" : "") + ": " + (log ? duration(v) : compact(v))) + '</title></circle>';
          });
          if (log && last >= 0) {
            var v = sr.values[last];
            s += '<line x1="' + n1(x(last)) + '" x2="' + n1(l + pw + 4) + '" y1="' + n1(y(v)) + '" y2="' + n1(y(v)) + '" stroke="' + color + '" stroke-dasharray="3 3"/>';
            s += text(l + pw + 6, y(v) + 4, sr.name + " " + duration(v), "start", color, ' class="pct-label"');
            legend.push([sr.name + " latest " + duration(v), color]);
          } else legend.push([sr.name, color]);
        });
        var lx = l;
        legend.forEach(function(g) {
          s += '<rect x="' + n1(lx) + '" y="' + n1(height - 16) + '" width="10" height="10" fill="' + g[1] + '"/>' + text(lx + 14, height - 7, g[0]);
          lx += 24 + g[0].length * 6.2;
        });
        return s + "</svg>";
      }
      function stacked(parts, title) {
        var width = 680, total = 0, s = open(width, 70, title), x = 0, lx = 0;
        parts.forEach(function(p) { total += p.value; });
        parts.forEach(function(p) {
          if (!(total > 0 && p.value > 0)) return;
          var pw = width * p.value / total;
          s += '<rect x="' + n1(x) + '" y="4" width="' + n1(pw) + '" height="28" fill="' + p.color + '"><title>' + esc(p.label + ": " + p.value + " (" + decimal(p.value * 100 / total, 1) + "%)") + '</title></rect>';
          x += pw;
        });
        parts.forEach(function(p) {
          var label = p.label + " " + (total > 0 ? decimal(p.value * 100 / total, 1) : "0") + "%";
          s += '<rect x="' + n1(lx) + '" y="46" width="10" height="10" fill="' + p.color + '"/>' + text(lx + 14, 55, label);
          lx += 24 + label.length * 6.2;
        });
        return s + "</svg>";
      }
      function bars(items, title, labelWidth, color) {
        var longest = 0; items.forEach(function(it) { longest = Math.max(longest, textWidth(it.text)); });
        var width = 680, rowH = 22, t = 6, height = Math.round(t * 2 + rowH * Math.max(items.length, 1)), l = labelWidth, pw = width - l - Math.max(70, longest + 14);
        var maxV = 1e-9; items.forEach(function(it) { maxV = Math.max(maxV, it.value); });
        var s = open(width, height, title);
        items.forEach(function(it, i) {
          var y = t + rowH * i, w = Math.max(it.value > 0 ? 1 : 0, pw * it.value / maxV);
          s += "<g><title>" + esc(it.label + ": " + it.text) + "</title>" + text(l - 8, y + 15, it.label, "end");
          s += '<rect x="' + n1(l) + '" y="' + n1(y + 3) + '" width="' + n1(w) + '" height="' + n1(rowH - 6) + '" rx="2" fill="' + color + '"/>' + text(l + w + 6, y + 15, it.text, "start", "#111827") + "</g>";
        });
        return s + "</svg>";
      }

      // MARK: Filters
      var outcomes = [["user_ended", "userEndedSessions", "#16a34a"], ["skill_ended", "skillEndedSessions", "#2563eb"], ["no_response", "incompleteSessions", "#d97706"],
                      ["failed", "failedSessions", "#dc2626"], ["unknown", "unknownSessions", "#9ca3af"]];
      var friction = [["barge-ins", "bargeIns", true], ["terminations", "terminations", true], ["unhandled requests", "unhandledRequests", true],
                      ["low-confidence intents", "lowConfidenceIntents", true], ["estimated system errors", "estimatedSystemErrors", false]];
      function fmt(v, kind) {
        if (v === null || v === undefined) return "n/a";
        if (kind === "count") return grouped(round(v));
        if (kind === "ms") return grouped(round(v)) + " ms";
        if (kind === "percent") return decimal(v, 2) + "%";
        return decimal(v, 2) + "/100";
      }
      // The same text as PeriodChange.html on the Swift side.
      function deltaHTML(card, label, now, before) {
        var s = esc(label) + ": " + fmt(now, card.kind), cls = "delta";
        if (now !== null && before !== null && before !== undefined) {
          var change = card.kind === "count" || card.kind === "ms" ? (before !== 0 ? (now - before) * 100 / before : null) : now - before;
          if (change !== null) {
            var mag = decimal(Math.abs(change), card.kind === "count" || card.kind === "ms" ? 1 : 2), zero = mag === "0";
            var unit = card.kind === "percent" ? " pt" : card.kind === "per100" ? "" : "%";
            s += " · " + (zero ? "±" : change > 0 ? "+" : "−") + mag + unit + " vs previous " + filter.period;
            if (!zero) cls += (change > 0 ? " up" : " down") + ((change > 0) === card.upIsGood ? " better" : " worse");
          }
        }
        return '<div class="' + cls + '">' + s + "</div>";
      }
      var state = {from: 0, to: (filter.labels || []).length - 1, segment: 0};
      function sum(arr, a, b) { var s = 0; for (var i = a; i <= b; i++) s += arr[i] || 0; return s; }
      function apply() {
        if (!filter.labels || !filter.labels.length) return;
        var a = Math.min(state.from, state.to), b = Math.max(state.from, state.to), seg = filter.segments[state.segment] || filter.segments[0];
        var labels = filter.labels.slice(a, b + 1), v = seg.v;
        var whole = a === 0 && b === filter.labels.length - 1 && state.segment === 0;
        var note = whole ? "" : (state.segment ? seg.name + ", " : "") + labels[0] + (labels.length > 1 ? " to " + labels[labels.length - 1] : "");
        function put(id, svg) {
          var f = document.getElementById(id);
          if (!f) return;
          f.querySelector(".plot").innerHTML = svg;
          var cap = f.querySelector("figcaption .filtered");
          if (!cap) { cap = document.createElement("span"); cap.className = "filtered"; f.querySelector("figcaption").insertBefore(cap, f.querySelector(".dl")); }
          cap.textContent = note ? "filtered: " + note : "";
        }
        filter.charts.forEach(function(c) {
          put(c.id, lines(c.series.map(function(s) { return {name: s[1], values: v[s[0]].slice(a, b + 1)}; }), labels, c.title, c.log, (filter.partial || []).slice(a, b + 1)));
        });
        put("outcomes", stacked(outcomes.map(function(o) { return {label: o[0], value: sum(v[o[1]], a, b), color: o[2]}; }), "Session outcomes"));
        var turns = sum(v.totalUtterances, a, b);
        put("friction", bars(friction.map(function(f) {
          var n = sum(v[f[1]], a, b);
          return {label: f[0], value: n, text: grouped(n) + (f[2] ? " (" + (turns > 0 ? decimal(n * 100 / turns, 2) : "n/a") + "/100)" : "")};
        }), "Friction by type", 170, "#dc2626"));
        var cards = document.querySelectorAll(".card[data-card]");
        for (var i = 0; i < cards.length; i++) {
          var label = cards[i].getAttribute("data-card");
          if (!has(filter.cards, label)) continue;
          var card = filter.cards[label], old = cards[i].querySelector(".delta");
          if (old) old.remove();
          if (filter.labels.length < 2) continue;
          // The latest complete period of the range compared with the complete one before it
          // (as PeriodChange.line); else the latest complete one, or the last, unchanged.
          var vals = v[card.key], part = filter.partial || [], cmp = filter.compared || [], k = -1;
          for (var j = b; j >= Math.max(a, 1); j--) if (cmp[j]) { k = j; break; }
          if (k >= 0) { cards[i].insertAdjacentHTML("beforeend", deltaHTML(card, filter.labels[k], vals[k], vals[k - 1])); continue; }
          for (j = b; j >= a; j--) if (!part[j]) { k = j; break; }
          if (k < 0) k = b;
          cards[i].insertAdjacentHTML("beforeend", deltaHTML(card, filter.labels[k] + (part[k] ? " (partial)" : ""), vals[k], null));
        }
        check();
      }
      var form = document.getElementById("filters");
      if (form) {
        var m = /^#filter=(\\d+),(\\d+),(\\d+)$/.exec(mode);
        var last = filter.labels.length - 1;
        if (m) state = {from: Math.min(+m[1], last), to: Math.min(+m[2], last), segment: Math.min(+m[3], filter.segments.length - 1)};
        var sel = function(id) { return document.getElementById(id); };
        var read = function() {
          state = {from: +sel("f-from").value, to: +sel("f-to").value, segment: +sel("f-segment").value};
          try { history.replaceState(null, "", "#filter=" + state.from + "," + state.to + "," + state.segment); } catch (e) {}
          apply();
        };
        form.addEventListener("change", read);
        form.addEventListener("reset", function() { setTimeout(read, 0); });
        if (m) { sel("f-from").value = state.from; sel("f-to").value = state.to; sel("f-segment").value = state.segment; apply(); }
      }

      // What rendered: each chart's size (read by the browser tests through the DOM).
      function check() {
        var out = [];
        var figs = document.querySelectorAll("figure.chart");
        for (var i = 0; i < figs.length; i++) {
          var svg = figs[i].querySelector("svg");
          var r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
          var box = figs[i].querySelector(".plot").getBoundingClientRect();
          out.push({id: figs[i].id, width: Math.round(r.width), height: Math.round(r.height), csv: has(data, figs[i].id),
                    svgWidth: svg ? Math.round(svg.width.baseVal.value) : 0, svgHeight: svg ? Math.round(svg.height.baseVal.value) : 0,
                    plotWidth: Math.round(box.width), closed: !!figs[i].closest("details:not([open])")});
        }
        // Text drawn outside its chart (cut at the SVG's edge), measured as rendered.
        var clipped = [], svgs = document.querySelectorAll("figure.chart .plot svg");
        for (var q = 0; q < svgs.length; q++) {
          var sr = svgs[q].getBoundingClientRect(), texts = svgs[q].querySelectorAll("text");
          for (var u = 0; u < texts.length; u++) {
            var tr = texts[u].getBoundingClientRect();
            if (!tr.width) continue;
            if (tr.left < sr.left - 0.5 || tr.right > sr.right + 0.5 || tr.top < sr.top - 0.5 || tr.bottom > sr.bottom + 0.5)
              clipped.push({chart: svgs[q].closest("figure").id, text: texts[u].textContent, left: Math.round(tr.left - sr.left), right: Math.round(sr.right - tr.right)});
          }
        }
        var secs = [], ss = document.querySelectorAll("section");
        for (var k = 0; k < ss.length; k++) { var b = ss[k].getBoundingClientRect(); secs.push({id: ss[k].id, top: Math.round(b.top + window.scrollY), height: Math.round(b.height)}); }
        document.getElementById("render-check").textContent = JSON.stringify({rendered: true, charts: out, filter: state, sections: secs, clipped: clipped,
          scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, scrollHeight: document.documentElement.scrollHeight});
      }
      check();

      // `#sklog-png-export` (sklog report --png) and `#sklog-png-test` (the browser tests): every
      // chart's PNG, through the PNG buttons in the test mode, collected into #png-export.
      if (mode === "#sklog-png-export" || mode === "#sklog-png-test") {
        var buttons = document.querySelectorAll("button[data-png]");
        collected = [];
        collected.done = function() {
          if (collected.length === buttons.length) document.getElementById("png-export").textContent = JSON.stringify(collected);
        };
        for (var j = 0; j < buttons.length; j++) {
          if (mode === "#sklog-png-test") buttons[j].click();
          else (function(id) { png(id, function(b) { download(id + ".png", b); }); })(buttons[j].getAttribute("data-png"));
        }
      }
    })();
    """
}
