/* The legal team's workspace, progressive enhancement only: everything works without it
   (the batch page has a Refresh link, the list's checkboxes are plain form fields).

   - "Select all" for the claims of the page.
   - Progress bars of batch files: polls the small JSON endpoint every two seconds while
     something is queued or running, then shows the download button. */
(function () {
  "use strict";

  var selectAll = document.getElementById("select-all");
  if (selectAll) {
    var boxes = document.querySelectorAll(".review-select");
    selectAll.hidden = false;
    selectAll.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = selectAll.checked; });
    });
  }

  // Decision forms (one claim, or the list's selection): the reason list offers only the
  // reasons of the chosen decision. Each decision's reasons are one <optgroup> labelled
  // with the decision; the server refuses a mismatch anyway.
  document.querySelectorAll("select[data-decision-labels]").forEach(function (reasons) {
    var labels = JSON.parse(reasons.dataset.decisionLabels);
    var radios = reasons.form.querySelectorAll("input[name=decision]");
    function offerReasonsOfDecision() {
      var chosen = reasons.form.querySelector("input[name=decision]:checked");
      var label = chosen ? labels[chosen.value] : null;
      reasons.querySelectorAll("optgroup").forEach(function (group) {
        var fits = label === null || group.label === label;
        group.hidden = !fits;
        group.disabled = !fits;
      });
      var selected = reasons.options[reasons.selectedIndex];
      if (selected && selected.parentElement.disabled) { reasons.value = ""; }
    }
    radios.forEach(function (radio) { radio.addEventListener("change", offerReasonsOfDecision); });
    offerReasonsOfDecision();
  });

  var outputs = document.getElementById("outputs");
  if (!outputs || !window.fetch) { return; }
  var url = outputs.dataset.progressUrl;

  function show(card, data) {
    var bar = card.querySelector(".progress-bar");
    var track = card.querySelector(".progress");
    var state = card.querySelector(".batch-output-state");
    var download = card.querySelector(".batch-output-download");
    var start = card.querySelector(".batch-output-start button");
    var percent = data.percent || 0;
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    track.setAttribute("aria-valuenow", String(percent));
    var running = data.state === "queued" || data.state === "running";
    bar.classList.toggle("progress-bar-striped", running);
    bar.classList.toggle("progress-bar-animated", running);
    bar.classList.toggle("bg-danger", data.state === "failed");
    if (data.state !== "none") {
      var text = data.state_label || "";
      if (running && data.total) { text += " · " + data.done + " / " + data.total; }
      if (data.state === "failed" && data.error) { text += ": " + data.error; }
      state.textContent = text;
    }
    if (data.download_url) {
      download.href = data.download_url;
      download.classList.remove("d-none");
    }
    if (start) { start.disabled = running; }
    return running;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
      .then(function (payload) {
        var busy = false;
        Object.keys(payload.outputs).forEach(function (kind) {
          var card = document.getElementById("output-" + kind);
          if (card && show(card, payload.outputs[kind])) { busy = true; }
        });
        if (busy) { window.setTimeout(poll, 2000); }
      })
      .catch(function () { /* The Refresh link still works. */ });
  }

  if (outputs.dataset.busy === "true") { window.setTimeout(poll, 1000); }
})();
