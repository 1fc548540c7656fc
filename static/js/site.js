// Behaviour shared by every page. Kept in a static file: no inline script or handler, so
// that a strict Content-Security-Policy can forbid them.
(function () {
  "use strict";

  // The language switcher applies the choice at once (a <noscript> button does without).
  var switcher = document.getElementById("language-switcher");
  if (switcher) {
    switcher.addEventListener("change", function () { switcher.form.submit(); });
  }

  // A table or listing that scrolls sideways (phones) must be reachable by keyboard, or its
  // hidden columns cannot be read without a mouse (WCAG 2.1.1): give it a tab stop, and only
  // while it actually scrolls, so that wide screens keep a short tab order.
  function markScrollable() {
    document.querySelectorAll(".table-responsive, pre").forEach(function (region) {
      if (region.scrollWidth > region.clientWidth + 1) {
        region.setAttribute("tabindex", "0");
        if (!region.hasAttribute("aria-label") && !region.hasAttribute("role")) {
          var caption = region.querySelector("caption");
          region.setAttribute("role", "region");
          region.setAttribute("aria-label", caption ? caption.textContent.trim() :
            (document.body.dataset.scrollLabel || "…"));
        }
      } else if (region.getAttribute("tabindex") === "0") {
        region.removeAttribute("tabindex");
      }
    });
  }
  markScrollable();
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(markScrollable, 100);
  });
})();
