// Drag and drop onto the zone fills the file input; the button works without it.
(function () {
  "use strict";
  var zone = document.getElementById("drop-zone");
  var input = zone && zone.querySelector("input[type=file]");
  if (!zone || !input || !window.DataTransfer) { return; }
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("drop-zone-active");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("drop-zone-active"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      input.dispatchEvent(new Event("change"));
    }
  });
})();
