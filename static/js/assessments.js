/* Assessments pages: the selectivity trend chart (data from json_script, no inline script). */
(function () {
  "use strict";

  function drawTrend() {
    var source = document.getElementById("selectivity-trend");
    var canvas = document.getElementById("selectivity-trend-chart");
    if (!source || !canvas || typeof window.Chart === "undefined") {
      return;
    }
    var points = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: points.map(function (p) { return p.date; }),
        datasets: [{
          label: "Selectivity score",
          data: points.map(function (p) { return p.score; }),
          borderColor: "#1f5f99",
          backgroundColor: "#1f5f99",
          stepped: true,
          spanGaps: false
        }]
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { min: 0, max: 100, title: { display: true, text: "Score (0-100)" } } },
        plugins: {
          tooltip: { callbacks: { afterLabel: function (ctx) { return "Band: " + points[ctx.dataIndex].band; } } }
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", drawTrend);
})();
