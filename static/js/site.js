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
  // Forms that take long (submitting a claim writes its PDF dossier): once sent, their
  // buttons are disabled, so a second click cannot send them twice, and a status says
  // the work is under way. A form sent again after an error is a new page.
  document.querySelectorAll("form[data-busy-message]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.setAttribute("aria-busy", "true");
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        // Disabled after the submit event has taken the button's name and value.
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
      var status = document.createElement("p");
      status.className = "form-busy mt-2 mb-0";
      status.setAttribute("role", "status");
      status.innerHTML = '<span class="spinner-border spinner-border-sm me-2" aria-hidden="true"></span>';
      status.appendChild(document.createTextNode(form.dataset.busyMessage));
      form.appendChild(status);
    });
  });

  // A form sent back with errors: the focus goes to the first field in error, whose
  // message a screen reader then reads (aria-describedby), or to the form's own alert.
  // After the load, so that a #fragment's own focus (the skip link's #main) comes first.
  function focusFirstError() {
    var invalid = document.querySelector("main [aria-invalid=true], main .is-invalid");
    var formAlert = document.querySelector("main form .alert-danger");
    if (invalid && typeof invalid.focus === "function") {
      invalid.focus();
    } else if (formAlert) {
      formAlert.setAttribute("tabindex", "-1");
      formAlert.focus();
    }
  }
  window.addEventListener("load", function () { window.setTimeout(focusFirstError, 0); });

  markScrollable();
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(markScrollable, 100);
  });
})();
