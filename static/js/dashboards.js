/* Dashboards: before printing, every "table of the figures" opens, so the brief carries
 * the data (charts.js draws the charts; portal.js submits the filters on change).
 */
(function () {
  "use strict";

  function openTablesForPrint() {
    var opened = [];
    window.addEventListener("beforeprint", function () {
      Array.prototype.forEach.call(document.querySelectorAll("details.data-table:not([open])"), function (d) {
        d.open = true;
        opened.push(d);
      });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (d) { d.open = false; });
      opened = [];
    });
  }

  document.addEventListener("DOMContentLoaded", openTablesForPrint);
})();
