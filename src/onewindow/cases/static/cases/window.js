/* The window pages' keyboard and checklist helpers. Everything still works without them. */
(function () {
  "use strict";
  const typing = (el) => el && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName);

  document.addEventListener("keydown", function (event) {
    const search = document.getElementById("item-q");
    if (event.key === "/" && search && !typing(document.activeElement)) {
      event.preventDefault();
      search.focus();
      search.select();
      return;
    }
    const picks = Array.from(document.querySelectorAll("#item-results .pick"));
    if (!picks.length) return;
    const at = picks.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && (event.target === search || at >= 0)) {
      event.preventDefault();
      picks[Math.min(at + 1, picks.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      (at === 0 ? search : picks[at - 1]).focus();
    } else if (event.key === "Enter" && event.target === search && picks.length === 1) {
      event.preventDefault();
      picks[0].click();
    }
  });

  function syncKind() {
    const box = document.querySelector("[data-applicant]");
    const checked = box && box.querySelector("input[name=applicant_kind]:checked");
    if (checked) box.dataset.kind = checked.value;
  }

  function syncChecklist() {
    const rows = Array.from(document.querySelectorAll("[data-material]"));
    let received = 0, required = 0, tolerated = 0, defects = 0;
    rows.forEach(function (row) {
      const ok = row.querySelector("[data-received]").checked;
      const defect = row.querySelector("[data-defect]");
      row.classList.toggle("is-received", ok);
      if (defect && defect.value.trim() && ok) defects += 1;
      if (ok) received += 1;
      else if (row.dataset.requirement === "required") required += 1;
      else if (row.dataset.requirement === "tolerated") tolerated += 1;
    });
    const set = (name, value) => {
      const el = document.querySelector('[data-count="' + name + '"]');
      if (el) { el.textContent = value; el.classList.toggle("is-bad", name !== "received" && value > 0); }
    };
    set("received", received);
    set("required", required);
    set("tolerated", tolerated);
    const accept = document.querySelector('[data-outcome="accept"]');
    const acceptTolerated = document.querySelector('[data-outcome="accept_tolerated"]');
    if (accept) accept.disabled = required > 0 || tolerated > 0 || defects > 0;
    const hasTolerated = rows.some((row) => row.dataset.requirement === "tolerated");
    if (acceptTolerated) {
      acceptTolerated.disabled = !hasTolerated || required > 0 || tolerated === 0 || defects > 0;
      // The one button that applies is the prominent one.
      acceptTolerated.classList.toggle("primary", !acceptTolerated.disabled);
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.name === "applicant_kind") syncKind();
    if (event.target.matches("[data-received]")) syncChecklist();
    if (event.target.type === "file") {
      const name = event.target.parentElement.querySelector("[data-scan-name]");
      if (name) name.textContent = event.target.files.length ? event.target.files[0].name : "";
    }
  });
  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-defect]")) syncChecklist();
  });
  document.addEventListener("click", function (event) {
    const all = event.target.closest("[data-tick-all]");
    if (!all) return;
    document.querySelectorAll("[data-received]").forEach((box) => { box.checked = true; });
    syncChecklist();
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id !== "item-panel") return;
    const results = document.getElementById("item-results");
    if (results) results.innerHTML = "";
    syncChecklist();
    const first = Array.from(document.querySelectorAll("[data-applicant] input[type=text]")).find((el) => !el.value);
    (first || document.querySelector("[data-received]") || document.body).focus();
  });

  syncKind();
  syncChecklist();
})();
