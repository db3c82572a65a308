/* Field anchors on the event pages: a URL such as `#field-trigger_metadata.commit_info.date`
   opens every collapsed <details> around that field, scrolls it into view and marks it.
   Runs on load and on every hash change (links within the page, search results). */
(function () {
  "use strict";

  function target() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    return id ? document.getElementById(id) : null;
  }

  function reveal() {
    var el = target();
    if (!el) return;
    for (var node = el.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    var field = el.closest(".field") || el;
    document.querySelectorAll(".field--target").forEach(function (other) {
      other.classList.remove("field--target");
    });
    field.classList.add("field--target");
    el.scrollIntoView({ block: "start" });
  }

  window.addEventListener("hashchange", reveal);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reveal);
  } else {
    reveal();
  }
})();
