/* briefgen: citation marks, followed citations and wide blocks.
   - A mark's accessible name starts with its visible number ("3: citation, Gazette, ¶5"); its
     quote and outlet (the mark's title, set at build time) show on hover AND keyboard focus, as
     a tooltip kept inside the window and named as the mark's description. On a touch screen a
     tap opens a preview instead (source, grade, quote, a link to the passage) that closes
     without leaving the page. Text is inserted with textContent, never as HTML.
   - A followed citation brings its whole highlighted passage into view below the sticky header.
   - A source page's "Cited in" lines are collapsed under their count.
   - Search snippets come from the article text only; analysis pages rank above source texts.
   - Wide tables and charts scroll sideways in a focusable box; a shadow shows there is more. */
(function () {
  "use strict";
  // Search (on the search page, where Sphinx's searchtools.js ran before this deferred script):
  // snippets from the article's own text, not the theme's buttons, citation marks or notes; and
  // for the same words, the analysis pages before the source texts they rest on.
  const SEARCH_CHROME = ".headerlink, script, style, .header-article-items, .bd-header-article, sup.cite, .cite-run, " +
    ".mark-sep, .cite-label, .cited-by, details.cited-by-details, section.page-notes, .para-num, .bd-sidebar-secondary, " +
    ".prev-next-area, .bd-footer-article, nav";
  const SOURCE_TEXT_PENALTY = 50; // more than any one page's score for a word: sources come after
  if (typeof Search !== "undefined" && Search.htmlToText) {
    Search.htmlToText = function (htmlString, anchor) {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll(SEARCH_CHROME).forEach(function (el) { el.remove(); });
      const main = doc.querySelector("article.bd-article") || doc.querySelector('[role="main"]');
      if (!main) return "";
      const part = anchor ? main.querySelector(anchor) : null;
      return (part || main).textContent;
    };
  }
  if (typeof Scorer !== "undefined") {
    Scorer.score = function (result) {
      return result[4] - (String(result[0]).startsWith("sources/") ? SOURCE_TEXT_PENALTY : 0);
    };
  }
  let tip = null;
  let hideTimer = null;
  let pointer = "mouse"; // how the reader last pressed: "touch" and "pen" get a preview on tap
  function hide() { clearTimeout(hideTimer); if (tip) { tip.remove(); tip = null; } }
  function hideSoon() { // time to move into the tip and its link; a tapped preview stays until closed
    clearTimeout(hideTimer);
    if (tip && !tip.dataset.pinned) hideTimer = setTimeout(hide, 300);
  }
  function line(parent, cls, text) {
    const el = document.createElement("span");
    el.className = cls;
    el.textContent = text;
    parent.appendChild(el);
    return el;
  }
  function show(mark, pinned) {
    hide();
    const text = mark.dataset.quote;
    if (!text) return;
    tip = document.createElement("div");
    tip.className = "cite-tip";
    tip.id = "cite-tip";
    if (pinned) {
      // A tap on a phone: a preview of the citation (source, grade, quote, a link to the
      // passage) that stays on the page until closed; a second tap on the mark follows it.
      tip.dataset.pinned = "1";
      tip.dataset.mark = mark.getAttribute("href");
      tip.setAttribute("role", "dialog");
      tip.setAttribute("aria-label", mark.getAttribute("aria-label") || "citation");
      const grade = mark.querySelector(".cite-grade-label");
      line(tip, "cite-tip-quote", text);
      if (grade) line(tip, "cite-tip-grade", grade.textContent);
      const go = document.createElement("a");
      go.className = "cite-tip-go";
      go.href = mark.getAttribute("href");
      go.textContent = "Go to the passage \u2192";
      tip.appendChild(go);
      const close = document.createElement("button");
      close.type = "button";
      close.className = "cite-tip-close";
      close.setAttribute("aria-label", "Close the citation preview");
      close.textContent = "\u00d7";
      close.addEventListener("click", hide);
      tip.appendChild(close);
    } else {
      tip.setAttribute("role", "tooltip");
      tip.textContent = text;
    }
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
    const doc = document.documentElement;
    const left = Math.min(r.left, doc.clientWidth - tip.offsetWidth - 8);
    tip.style.left = (window.scrollX + Math.max(4, left)) + "px";
    // below the mark, or above it when the window has no room below
    const below = r.bottom + 6 + tip.offsetHeight <= doc.clientHeight || r.top - 6 - tip.offsetHeight < 0;
    tip.style.top = (window.scrollY + (below ? r.bottom + 6 : r.top - 6 - tip.offsetHeight)) + "px";
  }
  function revealTarget() {
    const id = decodeURIComponent(location.hash.slice(1));
    const el = id && document.getElementById(id);
    if (!el) return;
    const passage = el.closest(".cited");
    if (passage && passage !== el) passage.scrollIntoView({ block: "start" });
  }
  function edges(box) {
    const more = box.scrollWidth - box.clientWidth;
    box.classList.toggle("briefgen-more-left", box.scrollLeft > 1);
    box.classList.toggle("briefgen-more-right", box.scrollLeft < more - 1);
    // a fade no wider than what is hidden on that side: content that is in view is not faded
    box.style.setProperty("--fade-left", Math.min(48, box.scrollLeft) + "px");
    box.style.setProperty("--fade-right", Math.min(48, Math.max(0, more - box.scrollLeft)) + "px");
  }
  function collapseCitedBy() {
    // a paragraph's "Cited in N places" and original-site lines shrink to their first words
    // ("Cited in 4 places"), opened on demand: the apparatus no longer outweighs the article
    for (const line of document.querySelectorAll("p > span.cited-by")) {
      const head = line.querySelector(".cited-by-count");
      const p = line.parentElement;
      if (!head || p.parentElement.matches("details.cited-by-details")) continue;
      const details = document.createElement("details");
      details.className = "cited-by-details";
      const summary = document.createElement("summary");
      summary.textContent = head.textContent.replace(/:\s*$/, "");
      details.appendChild(summary);
      p.replaceWith(details);
      details.appendChild(p);
    }
  }
  function labelCards() { // a phone shows each row of these tables as a card, each cell named by its column
    for (const table of document.querySelectorAll("table.phone-cards")) {
      const names = [...table.querySelectorAll("thead th")].map(function (th) { return th.textContent.trim(); });
      for (const row of table.querySelectorAll("tbody tr")) {
        [...row.children].forEach(function (cell, i) { if (names[i]) cell.dataset.label = names[i]; });
      }
    }
  }
  function markScrollable() {
    for (const box of document.querySelectorAll(".pst-scrollable-table-container, figure.timeline-chart, div.graphviz")) {
      const wide = box.scrollWidth > box.clientWidth + 1;
      let hint = box.nextElementSibling && box.nextElementSibling.classList.contains("briefgen-scroll-hint") ? box.nextElementSibling : null;
      if (wide && !hint) {
        hint = document.createElement("p");
        hint.className = "briefgen-scroll-hint";
        hint.setAttribute("aria-hidden", "true"); // a visual cue; the box itself is a named, focusable region
        hint.textContent = "Scroll sideways for more \u2192";
        box.after(hint);
        box.addEventListener("scroll", function () { edges(box); }, { passive: true });
      }
      if (hint) hint.hidden = !wide;
      if (wide) {
        box.setAttribute("tabindex", "0"); // keyboard users can scroll it too
        if (!box.hasAttribute("role")) box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", box.matches("figure, div.graphviz") ? "chart, scrolls sideways" : "table, scrolls sideways");
        edges(box);
      } else {
        box.classList.remove("briefgen-more-left", "briefgen-more-right");
      }
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    for (const mark of document.querySelectorAll("a.cite-mark")) {
      const quote = mark.getAttribute("title") || "";
      const label = mark.querySelector(".cite-label");
      const number = (mark.firstChild && mark.firstChild.nodeType === 3 ? mark.firstChild.nodeValue : mark.textContent).trim();
      mark.dataset.quote = quote;
      mark.removeAttribute("title"); // no second, native tooltip
      mark.setAttribute("aria-label", number + ": citation" + (label ? ", " + label.textContent : ""));
      mark.addEventListener("mouseenter", function () { show(mark); });
      mark.addEventListener("focus", function () { show(mark); });
      mark.addEventListener("mouseleave", hideSoon);
      mark.addEventListener("blur", function () { if (tip && !tip.dataset.pinned) hide(); });
      mark.addEventListener("click", function (e) {
        // a mouse click or the keyboard follows the link (hover and focus showed the tip)
        if (e.detail === 0 || pointer === "mouse") return;
        if (tip && tip.dataset.pinned && tip.dataset.mark === mark.getAttribute("href")) return;
        e.preventDefault();
        show(mark, true);
      });
    }
    document.addEventListener("pointerdown", function (e) {
      pointer = e.pointerType || "mouse";
      // a tap outside the preview and the marks closes it
      if (tip && tip.dataset.pinned && !tip.contains(e.target) && !e.target.closest("a.cite-mark")) hide();
    }, true);
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
    labelCards();
    collapseCitedBy();
    markScrollable();
    revealTarget();
  });
  // The browser scrolls to the fragment itself after loading; bring the whole passage in after it.
  window.addEventListener("load", function () { requestAnimationFrame(revealTarget); });
  window.addEventListener("resize", markScrollable);
  window.addEventListener("hashchange", revealTarget);
})();
