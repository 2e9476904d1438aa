/* Dashboards: small behaviours beyond the charts (charts.js draws those).
 * - filter forms submit on change (the Apply button stays for keyboard users);
 * - before printing, every "table of the figures" opens, so the brief carries the data.
 */
(function () {
  "use strict";

  function autoSubmit() {
    var forms = document.querySelectorAll("form.filters");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("change", function () { form.submit(); });
    });
  }

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

  document.addEventListener("DOMContentLoaded", function () {
    autoSubmit();
    openTablesForPrint();
  });
})();
