/* Results framework: "Expand all" and "Collapse all" (the tree itself is nested
 * <details>, collapsible with the keyboard without this script). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-rf-toggle]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var open = button.getAttribute("data-rf-toggle") === "open";
        Array.prototype.forEach.call(document.querySelectorAll(".rf-tree details"), function (d) { d.open = open; });
      });
    });
  });
})();
