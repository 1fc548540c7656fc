/* The consultation form fills the fee from the nomenclature for the consultation's date
 * (the table is embedded in the page, no request). A fee the doctor typed is kept. */
(function () {
  "use strict";
  var table = document.getElementById("nomenclature-fees");
  var code = document.querySelector(".js-fee-code");
  var fee = document.querySelector(".js-fee-amount");
  var start = document.querySelector("input[name='start']");
  var hint = document.getElementById("fee-hint");
  if (!table || !code || !fee) return;
  var fees = JSON.parse(table.textContent);

  function today() {
    var now = new Date();
    var month = String(now.getMonth() + 1).padStart(2, "0");
    var day = String(now.getDate()).padStart(2, "0");
    return now.getFullYear() + "-" + month + "-" + day;
  }

  function lookup() {
    var wanted = code.value.trim();
    // "2024-01-15T09:40" -> "2024-01-15"; ISO dates compare as strings.
    var day = start && start.value ? start.value.slice(0, 10) : today();
    for (var i = 0; i < fees.length; i++) {
      var row = fees[i];
      if (row.code === wanted && row.valid_from <= day && (!row.valid_until || day <= row.valid_until)) {
        return row;
      }
    }
    return null;
  }

  var found = lookup();
  // The fee on screen counts as "filled in by us" when it is the nomenclature's.
  var autofilled = fee.value === "" || (found && Number(fee.value) === Number(found.fee)) ? fee.value : null;

  function update() {
    var row = lookup();
    if (fee.value === "" || fee.value === autofilled) {
      fee.value = row ? row.fee : "";
      autofilled = fee.value;
    }
    if (!hint) return;
    if (!code.value.trim()) {
      hint.textContent = "";
    } else if (row) {
      hint.textContent = hint.dataset.known + " " + row.fee + " EUR (" + row.label + ")";
    } else {
      hint.textContent = hint.dataset.unknown;
    }
  }

  code.addEventListener("input", update);
  code.addEventListener("change", update);
  if (start) start.addEventListener("change", update);
  update();
})();
