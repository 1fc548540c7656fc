// Behaviour shared by every page, kept out of the HTML: the Content-Security-Policy
// allows no inline script (README, "Hardening").
(function () {
  "use strict";
  // The language menu changes the language as soon as one is picked (a button in
  // <noscript> does it without JavaScript).
  var switcher = document.getElementById("language-switcher");
  if (switcher && switcher.form) {
    switcher.addEventListener("change", function () { switcher.form.submit(); });
  }
})();
