// Bulk decisions (approvals queue, coordination findings): a "select all on this page"
// checkbox. Progressive enhancement: without it each row's checkbox still works.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-select-all]").forEach((all) => {
    const boxes = () => all.form.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`);
    const count = document.getElementById(all.dataset.countId || "");
    const refresh = () => {
      const list = [...boxes()];
      const checked = list.filter((b) => b.checked).length;
      all.checked = checked === list.length && checked > 0;
      all.indeterminate = checked > 0 && checked < list.length;
      if (count) count.textContent = `${checked} selected`;
    };
    all.addEventListener("change", () => { boxes().forEach((b) => { b.checked = all.checked; }); refresh(); });
    boxes().forEach((b) => b.addEventListener("change", refresh));
    refresh();
  });
});
