// Draws the core data pages' trend charts with Chart.js (static/vendor/chart.umd.min.js,
// loaded before this file). The Content Security Policy allows no inline script, so each
// chart's data is a JSON <script> written by Django's json_script, and each
// <canvas data-chart-source="ID"> names its data's element. The same numbers are always
// in a table beside the chart: without JavaScript nothing is lost.
(function () {
  "use strict";

  // Distinguishable colours, and a dash pattern and point shape per line so that the
  // lines differ without colour too.
  var COLOURS = ["#1d5c63", "#d4351c", "#4c2c92", "#f47738", "#00703c", "#5694ca"];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 1], [8, 8]];
  var POINTS = ["circle", "rect", "triangle", "rectRot", "crossRot", "star"];

  function formatter(kind) {
    return function (value) {
      if (value === null || value === undefined) {
        return "No data";
      }
      if (kind === "count") {
        return Math.round(value).toLocaleString("en-GB");
      }
      var text = Number(value).toLocaleString("en-GB", {
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
      });
      return kind === "pct" ? text + "%" : text;
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart-source"));
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var format = formatter(spec.kind);
    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = COLOURS[index % COLOURS.length];
      return {
        label: dataset.label,
        data: dataset.data,
        borderColor: colour,
        backgroundColor: colour,
        borderDash: DASHES[index % DASHES.length],
        pointStyle: POINTS[index % POINTS.length],
        pointRadius: 3,
        spanGaps: false,
      };
    });
    new window.Chart(canvas, {
      type: "line",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        scales: {
          y: { beginAtZero: true, ticks: { callback: format } },
        },
        plugins: {
          legend: {
            display: datasets.length > 1,
            position: "bottom",
            labels: { usePointStyle: true },
          },
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + ": " + format(context.parsed.y);
              },
            },
          },
        },
      },
    });
  }

  function start() {
    if (typeof window.Chart === "undefined") {
      return;
    }
    document.querySelectorAll("canvas[data-chart-source]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
