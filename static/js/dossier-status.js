/* A submitted claim's dossier is made in the background: poll its small status JSON every
 * two seconds, show the progress, and reload the page once the dossier is ready (the page
 * works without this: its download link waits for the dossier). */
(function () {
  "use strict";
  var box = document.getElementById("dossier-progress");
  if (!box || !window.fetch) { return; }
  var url = box.dataset.statusUrl;
  var bar = box.querySelector(".dossier-progress-bar");
  var track = box.querySelector(".progress");
  var state = box.querySelector(".dossier-progress-state");

  function show(data) {
    var percent = data.percent || 0;
    bar.style.width = percent + "%";
    track.setAttribute("aria-valuenow", String(percent));
    state.textContent = data.label || "";
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        show(data);
        if (data.ready) { window.location.reload(); return; }
        window.setTimeout(poll, data.state === "retrying" || data.state === "failed" ? 15000 : 2000);
      })
      .catch(function () { window.setTimeout(poll, 15000); });
  }
  poll();
})();
