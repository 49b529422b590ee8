// The monthly report's charts, drawn with Chart.js (served by the app) from the JSON the page carries.
(function () {
  "use strict";
  var source = document.getElementById("report-chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var animate = !window.matchMedia("(prefers-reduced-motion: reduce)").matches && !document.body.classList.contains("print-report");
  var common = { responsive: true, maintainAspectRatio: false, animation: animate ? {} : false,
                 interaction: { mode: "index", intersect: false }, plugins: { legend: { position: "bottom" } } };
  var daily = document.getElementById("chart-daily");
  if (daily) {
    new Chart(daily, {
      type: "line",
      data: { labels: data.days.map(function (day) { return day.slice(8); }), datasets: [
        { label: data.labels.shares, data: data.shares, borderColor: "#0a66c2", backgroundColor: "#0a66c2", tension: 0.25 },
        { label: data.labels.clicks, data: data.clicks, borderColor: "#198754", backgroundColor: "#198754", tension: 0.25 }
      ] },
      options: Object.assign({ scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }, common)
    });
  }
  var networks = document.getElementById("chart-networks");
  if (networks) {
    new Chart(networks, {
      type: "bar",
      data: { labels: data.networks, datasets: [
        { label: data.labels.shares, data: data.network_shares, backgroundColor: "#0a66c2" },
        { label: data.labels.clicks, data: data.network_clicks, backgroundColor: "#198754" }
      ] },
      options: Object.assign({ indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }, common)
    });
  }
  var print = document.getElementById("print-report");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
})();
