// Program pages: progressive enhancements only; every form works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // "Add a row" under an inline formset: clone its empty form, numbered after the last one.
  document.querySelectorAll("button.add-row[data-formset]").forEach((button) => {
    button.addEventListener("click", () => {
      const prefix = button.dataset.formset;
      const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
      const template = document.getElementById(`${prefix}-empty`);
      const body = document.querySelector(`#${prefix}-table tbody`);
      if (!total || !template || !body) return;
      const index = parseInt(total.value, 10) || 0;
      const html = template.innerHTML.replaceAll("__prefix__", String(index));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      const first = body.lastElementChild && body.lastElementChild.querySelector("input");
      if (first) first.focus();
    });
  });
});
