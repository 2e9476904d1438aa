// Progressive enhancements; every page works without this file.
// No inline scripts anywhere: behaviour hangs off data- attributes (strict CSP).
document.addEventListener("DOMContentLoaded", () => {
  // <select data-autosubmit> submits its form on change (filters).
  document.querySelectorAll("[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form && el.form.requestSubmit());
  });
  // <button data-confirm="..."> asks before submitting.
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  });
});
