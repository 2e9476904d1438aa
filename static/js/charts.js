/* SSA Portal charts: builds Chart.js charts from json_script data blocks.
 *
 * Markup: <canvas data-chart="ID"> plus {{ spec|json_script:"ID" }}; spec is
 * {kind: bar|line|scatter|radar, title, labels, datasets: [{label, data, tone?, tones?, notes?}],
 *  xLabel, yLabel, stacked, horizontal, yMax, wholeNumbers, stepped}; wholeNumbers: counts, so
 * the value axis ticks at integers only; stepped: a line holds each value until the next;
 * notes: one more tooltip line per point (a score's band). Colors: the Okabe-Ito palette from the CSS
 * variables (--oi-1 .. --oi-8; tones ok/warn/bad/info/nodata from portal.css), with a
 * different point style per dataset so that color is never the only cue.
 * No inline script, no eval: safe under a strict Content-Security-Policy.
 * Reusable: window.SSACharts.drawAll(root) draws every chart under root.
 */
(function () {
  "use strict";

  var POINT_STYLES = ["circle", "triangle", "rect", "rectRot", "star", "crossRot", "cross", "line"];
  var FALLBACK = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000"];

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name);
    return (value && value.trim()) || fallback;
  }

  function palette() {
    var colors = [];
    for (var i = 1; i <= 8; i += 1) {
      colors.push(cssVar("--oi-" + i, FALLBACK[i - 1]));
    }
    return colors;
  }

  function tone(name, fallback) {
    return name ? cssVar("--" + name, fallback) : fallback;
  }

  function dataset(spec, source, index, colors) {
    var color = tone(source.tone, colors[index % colors.length]);
    var out = {
      label: source.label,
      data: source.data,
      backgroundColor: color,
      borderColor: color,
      pointStyle: POINT_STYLES[index % POINT_STYLES.length],
      pointRadius: spec.kind === "scatter" ? 6 : 3,
      spanGaps: true
    };
    if (source.tones) {
      out.backgroundColor = source.tones.map(function (t, i) { return tone(t, colors[i % colors.length]); });
      out.borderColor = out.backgroundColor;
    }
    if (spec.kind === "line") {
      out.fill = false;
      out.tension = 0;
      out.stepped = Boolean(spec.stepped);
    }
    return out;
  }

  function axis(title, extra) {
    var result = { title: { display: Boolean(title), text: title || "" }, beginAtZero: true };
    Object.keys(extra || {}).forEach(function (key) { result[key] = extra[key]; });
    return result;
  }

  function options(spec) {
    var valueAxis = spec.horizontal ? "x" : "y";
    var labelAxis = spec.horizontal ? "y" : "x";
    var scales = {};
    scales[valueAxis] = axis(spec.yLabel, { stacked: spec.stacked });
    scales[labelAxis] = axis(spec.horizontal ? "" : spec.xLabel, { stacked: spec.stacked });
    if (spec.yMax !== null && spec.yMax !== undefined) {
      scales[valueAxis].max = spec.yMax;
    }
    if (spec.wholeNumbers) {
      scales[valueAxis].ticks = { precision: 0 };
    }
    if (spec.kind === "scatter") {
      scales = { x: axis(spec.xLabel, { min: 0, max: 100 }), y: axis(spec.yLabel) };
    }
    var result = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: spec.horizontal ? "y" : "x",
      plugins: {
        legend: { display: spec.datasets.length > 1, labels: { usePointStyle: true } },
        tooltip: {}
      },
      scales: scales
    };
    if (spec.datasets.some(function (d) { return d.notes; })) {
      result.plugins.tooltip.callbacks = {
        afterLabel: function (ctx) {
          var notes = spec.datasets[ctx.datasetIndex].notes;
          return notes ? notes[ctx.dataIndex] : "";
        }
      };
    }
    if (spec.kind === "scatter") {
      result.plugins.tooltip.callbacks = {
        label: function (ctx) {
          var p = ctx.raw || {};
          return (p.label || "") + ": score " + p.x + ", " + p.y + " M USD";
        }
      };
    }
    if (spec.kind === "radar") {
      result.scales = { r: { beginAtZero: true, max: spec.yMax || undefined } };
    }
    return result;
  }

  function draw(canvas) {
    if (canvas.dataset.drawn === "true" || typeof window.Chart === "undefined") {
      return null;
    }
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return null;
    }
    var spec = JSON.parse(source.textContent);
    var colors = palette();
    var chart = new window.Chart(canvas, {
      type: spec.kind,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d, i) { return dataset(spec, d, i, colors); })
      },
      options: options(spec)
    });
    canvas.dataset.drawn = "true";
    return chart;
  }

  function drawAll(root) {
    var canvases = (root || document).querySelectorAll("canvas[data-chart]");
    Array.prototype.forEach.call(canvases, draw);
  }

  window.SSACharts = { draw: draw, drawAll: drawAll };
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });

  // Charts resize to the printed page width.
  window.addEventListener("beforeprint", function () {
    if (window.Chart && window.Chart.instances) {
      Object.keys(window.Chart.instances).forEach(function (key) { window.Chart.instances[key].resize(); });
    }
  });
})();
