/* briefgen: citation marks show their quote and outlet on hover AND on keyboard focus.
   The text comes from the mark's title (set at build time from the citation); it is inserted
   with textContent, never as HTML. */
(function () {
  "use strict";
  let tip = null;
  function hide() { if (tip) { tip.remove(); tip = null; } }
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
      mark.addEventListener("mouseleave", hide);
      mark.addEventListener("blur", hide);
    }
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
  });
})();
