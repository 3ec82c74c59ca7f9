/* Advisor console: the open transcript shows new messages as they arrive (polling). */
(function () {
  "use strict";
  var log = document.getElementById("log");
  if (!log || !log.dataset.live) return;
  var after = Number(log.dataset.after || 0);
  var labels = { user: "Nutzer: ", bot: "Bot: ", advisor: "Beratung: " };
  function poll() {
    fetch(log.dataset.live + "?after=" + after, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { messages: [] }; })
      .then(function (data) {
        (data.messages || []).forEach(function (m) {
          after = Math.max(after, m.id);
          var div = document.createElement("div");
          div.className = "msg " + m.kind + " live";
          var who = document.createElement("strong");
          who.textContent = labels[m.kind] || "";
          div.appendChild(who);
          div.appendChild(document.createTextNode(m.text || ""));
          log.appendChild(div);
        });
      })
      .catch(function () { /* try again on the next tick */ })
      .then(function () { setTimeout(poll, 1500); });
  }
  setTimeout(poll, 1500);
})();
