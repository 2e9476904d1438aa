/* Maps: name the country under the pointer or with keyboard focus in the read-out line
 * above the map (the map itself is drawn on the server and works without this script;
 * each country also has an SVG <title> and an aria-label). */
(function () {
  "use strict";

  function readout(section) {
    var line = section.querySelector("[data-map-readout]");
    if (!line) { return; }
    var initial = line.textContent;
    // The country under the pointer, else the one with keyboard focus, else the initial text:
    // a pointer resting on the sea (or leaving the map) does not hide the focused country.
    function focused() {
      var active = document.activeElement;
      return active && section.contains(active) && active.closest ? active.closest(".map-country") : null;
    }
    function show(event) {
      var country = event && event.target.closest ? event.target.closest(".map-country") : null;
      country = country || focused();
      line.textContent = country ? country.getAttribute("aria-label") : initial;
    }
    section.addEventListener("mouseover", show);
    section.addEventListener("focusin", show);
    section.addEventListener("focusout", function () { setTimeout(function () { show(null); }, 0); });
    section.addEventListener("mouseleave", function () { show(null); });
  }

  function bind(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".map-section"), readout);
  }

  document.addEventListener("DOMContentLoaded", function () { bind(document); });
  document.addEventListener("htmx:load", function (event) {
    if (event.target.classList && event.target.classList.contains("map-section")) { readout(event.target); }
  });
})();
