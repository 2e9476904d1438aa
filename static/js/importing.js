// Import pages: progressive enhancements only; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-import-form]").forEach((form) => {
    // Warn before uploading a file that the server will refuse for its size.
    const input = form.querySelector("input[type=file]");
    const warning = form.querySelector("[data-size-warning]");
    const limit = Number(form.dataset.maxBytes || 0);
    if (input && warning && limit) {
      input.addEventListener("change", () => {
        const file = input.files && input.files[0];
        warning.hidden = !(file && file.size > limit);
      });
    }
    // One submission per click: a second click must not start a second import.
    form.addEventListener("submit", () => {
      form.querySelectorAll("button[type=submit]").forEach((button) => {
        window.setTimeout(() => { button.disabled = true; }, 0);
      });
    });
  });
});
