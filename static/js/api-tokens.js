// The API token page: select the one-time token on focus and offer a "Copy token" button.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var field = document.getElementById("issued-token");
    var button = document.getElementById("copy-token");
    var status = document.getElementById("token-copied");
    if (!field || !button) { return; }
    field.addEventListener("focus", function () { field.select(); });
    if (!navigator.clipboard) { return; }  // without it, the selected field is copied by hand
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        status.textContent = "Token copied to the clipboard.";
      }, function () {
        field.select();
        status.textContent = "Copying failed: the token is selected, copy it with Ctrl+C.";
      });
    });
  });
})();
