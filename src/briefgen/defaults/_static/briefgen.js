/* briefgen: citation marks show their quote and outlet on hover AND on keyboard focus.
   The text comes from the mark's title (set at build time from the citation); it is inserted
   with textContent, never as HTML. */
(function () {
  "use strict";
  let tip = null;
  let hideTimer = null;
  function hide() { clearTimeout(hideTimer); if (tip) { tip.remove(); tip = null; } }
  function hideSoon() { clearTimeout(hideTimer); hideTimer = setTimeout(hide, 300); } // time to move into the tip and its link
  function show(mark) {
    hide();
    const text = mark.dataset.quote || mark.getAttribute("title");
    if (!text) return;
    mark.dataset.quote = text;
    mark.removeAttribute("title"); // no second, native tooltip
    tip = document.createElement("div");
    tip.className = "cite-tip";
    tip.id = "cite-tip";
    tip.setAttribute("role", "tooltip");
    tip.textContent = text;
    // a source with a url: the passage on the original site (a text-fragment link, hidden beside the mark)
    const original = mark.parentElement && mark.parentElement.querySelector("a.cite-original-link");
    if (original) {
      const a = document.createElement("a");
      a.href = original.href;
      a.textContent = original.textContent;
      a.className = "cite-tip-original";
      tip.appendChild(document.createTextNode(" "));
      tip.appendChild(a);
      const note = document.createElement("span");
      note.className = "cite-tip-note";
      note.textContent = " (the original may have changed since it was retrieved)";
      tip.appendChild(note);
      tip.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
      tip.addEventListener("mouseleave", hide);
    }
    document.body.appendChild(tip);
    mark.setAttribute("aria-describedby", "cite-tip");
    const r = mark.getBoundingClientRect();
    const left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8);
    tip.style.left = Math.max(window.scrollX + 4, left) + "px";
    tip.style.top = (window.scrollY + r.bottom + 6) + "px";
  }
  document.addEventListener("DOMContentLoaded", function () {
    for (const mark of document.querySelectorAll("a.cite-mark")) {
      mark.setAttribute("aria-label", "citation: " + (mark.getAttribute("title") || ""));
      mark.addEventListener("mouseenter", function () { show(mark); });
      mark.addEventListener("focus", function () { show(mark); });
      mark.addEventListener("mouseleave", hideSoon);
      mark.addEventListener("blur", hide);
    }
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
  });
})();
