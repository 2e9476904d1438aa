// Progressive enhancements; every page works without this file.
// No inline scripts anywhere: behaviour hangs off data- attributes (strict CSP).
(() => {
  // Selects with more choices than this are searchable (Tom Select); multi-selects always.
  const LONG_SELECT = 15;

  function searchable(root) {
    if (typeof window.TomSelect !== "function") return;
    root.querySelectorAll("select").forEach((select) => {
      if (select.tomselect || select.dataset.plainSelect !== undefined) return;
      if (!select.multiple && select.options.length <= LONG_SELECT) return;
      const labelled = select.id && document.querySelector(`label[for="${select.id}"]`);
      new window.TomSelect(select, {
        plugins: select.multiple ? ["remove_button"] : [],
        maxOptions: null,
        hidePlaceholder: true, // the placeholder goes once a value is chosen
        closeAfterSelect: !select.multiple,
        placeholder: select.multiple ? "Type to search, choose several" : "Type to search",
        onInitialize() {
          keepLabel(this, select, labelled);
        },
      });
    });
  }

  // Tom Select points the label at its own search box; keep the name and errors on it.
  // The hidden original field (still the submitted one) keeps its name too.
  function keepLabel(tom, field, labelled) {
    const control = tom.control_input;
    const name = labelled ? labelled.textContent.replace("*", "").trim() : "";
    if (name && !control.getAttribute("aria-label")) control.setAttribute("aria-label", name);
    if (name) field.setAttribute("aria-label", name);
    const described = field.getAttribute("aria-describedby");
    if (described) control.setAttribute("aria-describedby", described);
    if (field.classList.contains("usa-input--error")) tom.wrapper.classList.add("usa-input--error");
  }

  // <input data-picker="<search URL>">: a box of a record's key (a program code, an
  // institution's "name (ISO3)"; works without this file) that becomes a search box asking
  // the server as the user types; the page holds only the chosen record (data-picker-label),
  // never the list of records. data-picker-placeholder / -empty: its prompt and "no match".
  function pickers(root) {
    if (typeof window.TomSelect !== "function") return;
    root.querySelectorAll("input[data-picker]").forEach((input) => {
      if (input.tomselect) return;
      const labelled = input.id && document.querySelector(`label[for="${input.id}"]`);
      const key = input.value.trim();
      const label = input.dataset.pickerLabel;
      const empty = (input.dataset.pickerEmpty || "No match").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      new window.TomSelect(input, {
        maxItems: 1,
        create: false,
        valueField: "value",
        labelField: "label",
        searchField: [],
        options: key && label ? [{ value: key, label }] : [],
        items: key ? [key] : [],
        closeAfterSelect: true,
        placeholder: input.dataset.pickerPlaceholder || "Type to search",
        hidePlaceholder: true, // as the other searchable selects: no placeholder beside the chosen record
        loadThrottle: 250,
        // The server matches the text; keep only loaded records that still match.
        score(search) {
          const text = search.toLowerCase();
          return (option) => (option.label.toLowerCase().includes(text) ? 1 : 0);
        },
        load(query, callback) {
          const url = `${input.dataset.picker}?q=${encodeURIComponent(query)}`;
          fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then((response) => (response.ok ? response.json() : { results: [] }))
            .then((data) => callback(data.results))
            .catch(() => callback());
        },
        render: {
          no_results: () => `<div class="no-results">${empty}</div>`,
          loading: () => '<div class="spinner" aria-hidden="true"></div>',
        },
        onInitialize() {
          keepLabel(this, input, labelled);
        },
      });
    });
  }

  function enhance(root) {
    // <select data-autosubmit> submits its form on change (filters); on a <form>, any of
    // its fields does (the dashboards' scope filters; their Apply button stays for keyboards).
    root.querySelectorAll("[data-autosubmit]").forEach((el) => {
      const form = el instanceof HTMLFormElement ? el : el.form;
      el.addEventListener("change", () => form && form.requestSubmit());
    });
    // <button data-confirm="..."> asks before submitting.
    root.querySelectorAll("[data-confirm]").forEach((el) => {
      el.addEventListener("click", (event) => {
        if (!window.confirm(el.dataset.confirm)) event.preventDefault();
      });
    });
    searchable(root);
    pickers(root);
  }

  // A refused form: focus moves to its error summary, whose links focus each field (for a
  // searchable select, its search box).
  function errorSummary() {
    const summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-field]");
      if (!link) return;
      const field = document.getElementById(link.dataset.field);
      if (!field) return;
      event.preventDefault();
      const target = field.tomselect ? field.tomselect.control_input : field;
      target.scrollIntoView({ block: "center" });
      target.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    enhance(document);
    errorSummary();
  });
  document.addEventListener("htmx:afterSwap", (event) => enhance(event.detail.target));
  // A select replaced out of band (the program form's country-scoped lists): its old search
  // box goes with it, and the new select gets its own.
  document.addEventListener("htmx:oobBeforeSwap", (event) => {
    const old = event.detail.target;
    if (!old || !old.tomselect) return;
    old.tomselect.destroy();
    // Tom Select pointed the field's label at its search box and does not point it back:
    // the label names the new select again (a short one stays a plain select).
    document.querySelectorAll(`label[for="${old.id}-ts-control"]`).forEach((label) => { label.htmlFor = old.id; });
  });
  document.addEventListener("htmx:oobAfterSwap", (event) => {
    if (event.target.parentElement) searchable(event.target.parentElement);
  });

  // A table wider than its box scrolls sideways inside its .table-wrap: while it does, the
  // box is a focusable region named by the table's caption (or the page heading), so the
  // keyboard can scroll it too; a table that fits adds no tab stop.
  function scrollableTables() {
    document.querySelectorAll(".table-wrap").forEach((wrap) => {
      const overflows = wrap.scrollWidth > wrap.clientWidth + 1;
      if (overflows && !wrap.hasAttribute("tabindex")) {
        const caption = wrap.querySelector("caption");
        const name = (caption && caption.textContent.trim()) || document.title;
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", `${name} (scrolls sideways)`);
        wrap.dataset.scrollRegion = "";
      } else if (!overflows && wrap.dataset.scrollRegion !== undefined) {
        ["tabindex", "role", "aria-label", "data-scroll-region"].forEach((name) => wrap.removeAttribute(name));
      }
    });
  }
  document.addEventListener("DOMContentLoaded", scrollableTables);
  window.addEventListener("resize", scrollableTables);
  document.addEventListener("htmx:afterSwap", scrollableTables);
  document.addEventListener("toggle", scrollableTables, true);  // a table behind <details> opened
})();
