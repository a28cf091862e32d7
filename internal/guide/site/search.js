// Offline search of the ozg-new guide: reads the query (?q=) and lists
// the sections of window.GUIDE_INDEX that contain every word of it.
(function () {
  "use strict";
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var input = document.getElementById("q");
  if (!status || !list || !window.GUIDE_INDEX) {
    return;
  }
  var q = new URLSearchParams(window.location.search).get("q") || "";
  input.value = q;
  var words = q.toLowerCase().split(/\s+/).filter(function (w) { return w !== ""; });
  if (words.length === 0) {
    return;
  }
  var hits = [];
  window.GUIDE_INDEX.forEach(function (e) {
    var title = e.t.toLowerCase();
    var text = e.x.toLowerCase();
    var score = 0;
    for (var i = 0; i < words.length; i++) {
      var inTitle = title.indexOf(words[i]) >= 0;
      if (!inTitle && text.indexOf(words[i]) < 0) {
        return;
      }
      score += inTitle ? 10 : 1;
    }
    hits.push({ e: e, score: score, at: text.indexOf(words[0]) });
  });
  hits.sort(function (a, b) { return b.score - a.score; });
  status.textContent = hits.length === 0
    ? status.getAttribute("data-none")
    : status.getAttribute("data-count").replace("%d", String(hits.length));
  hits.forEach(function (h) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = h.e.u;
    a.textContent = h.e.t;
    li.appendChild(a);
    var p = document.createElement("p");
    var from = Math.max(0, h.at - 60);
    p.textContent = (from > 0 ? "…" : "") + h.e.x.substr(from, 200) + "…";
    li.appendChild(p);
    list.appendChild(li);
  });
}());
