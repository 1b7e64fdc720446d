// The catalog's own script: filter and sort the models table. No dependencies.
(function () {
  "use strict";
  function number(text) {
    var found = /-?[0-9]+(\.[0-9]+)?(e-?[0-9]+)?/i.exec(text || "");
    return found ? parseFloat(found[0]) : -Infinity;
  }
  function setup() {
    var table = document.getElementById("registry-models");
    if (!table || table.dataset.ready) return;
    table.dataset.ready = "1";
    var body = table.tBodies[0];
    var input = document.getElementById("registry-filter");
    var count = document.getElementById("registry-filter-count");
    function filter() {
      var words = (input.value || "").toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var text = row.textContent.toLowerCase();
        var ok = words.every(function (w) { return text.indexOf(w) !== -1; });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown + " of " + body.rows.length + " models";
    }
    if (input) { input.addEventListener("input", filter); filter(); }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      if (!th.dataset.sort) return;
      th.setAttribute("role", "button");
      th.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = th.dataset.sort === "number";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[index].dataset.value !== undefined ? a.cells[index].dataset.value : a.cells[index].textContent;
          var y = b.cells[index].dataset.value !== undefined ? b.cells[index].dataset.value : b.cells[index].textContent;
          var r = numeric ? number(x) - number(y) : x.localeCompare(y);
          return ascending ? r : -r;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(setup); // Material's instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
