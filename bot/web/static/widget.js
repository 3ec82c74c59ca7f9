/*!
 * Förderlotse chat widget. Embed with one tag:
 *   <script src="https://HOST/widget.js" defer
 *           data-title="Förderlotse" data-lang="de" data-color="#0b5394"
 *           data-position="right" data-open="false"></script>
 * No build step, no dependencies but the socket.io client, which it loads from HOST.
 * Nothing from the bot or the user is ever inserted as HTML: every text becomes text nodes.
 */
(function () {
  "use strict";
  if (window.__foerderlotseWidget) return;
  window.__foerderlotseWidget = true;

  var script = document.currentScript;
  function attr(name, fallback) {
    var v = script && script.getAttribute("data-" + name);
    return v === null || v === undefined || v === "" ? fallback : v;
  }
  var SERVER = (attr("server", script ? new URL(script.src, location.href).origin : location.origin)).replace(/\/$/, "");
  var LANG = attr("lang", (document.documentElement.lang || "de").slice(0, 2) === "en" ? "en" : "de") === "en" ? "en" : "de";
  var COLOR = /^#[0-9a-fA-F]{6}$/.test(attr("color", "")) ? attr("color") : "#0b5394";
  var POSITION = attr("position", "right") === "left" ? "left" : "right";
  var START_OPEN = attr("open", "false") === "true";
  var MAX = 2000;
  var KEY = "foerderlotse:" + SERVER;

  var T = {
    de: {
      title: "Förderlotse", open: "Chat mit dem Förderlotsen öffnen", close: "Chat schließen",
      erase: "Verlauf löschen", eraseAsk: "Den ganzen Verlauf auf diesem Gerät und auf dem Server löschen?",
      eraseYes: "Ja, löschen", eraseNo: "Abbrechen", erased: "Ihr Verlauf wurde gelöscht.",
      eraseFailed: "Löschen hat nicht geklappt. Bitte versuchen Sie es später noch einmal.",
      label: "Ihre Nachricht", placeholder: "Ihre Frage …", send: "Senden", log: "Gesprächsverlauf",
      notice: "Hinweis: Ihre Nachrichten werden gespeichert, damit der Förderlotse antworten kann und Beraterinnen und Berater den Dienst verbessern können. Bitte keine Namen, Telefonnummern oder Gesundheitsdaten eingeben.",
      privacy: "Datenschutzhinweise", you: "Sie", bot: "Förderlotse", advisor: "Beratung",
      typing: "Förderlotse schreibt …", offline: "Verbindung unterbrochen. Ich verbinde mich neu … Was Sie schreiben, wird danach gesendet.",
      online: "Wieder verbunden.", pending: "wird gesendet …", tooLong: "Ihre Nachricht ist zu lang (höchstens 2000 Zeichen). Bitte kürzen Sie sie.",
      empty: "Bitte schreiben Sie eine Frage.", tooFast: "Sie schreiben gerade sehr schnell. Ihre Nachricht wird gleich gesendet.", helpful: "Hilfreich", notHelpful: "Nicht hilfreich", thanks: "Danke für Ihre Rückmeldung.",
      advisorActive: function (n) { return n + " (Beratung) ist jetzt im Gespräch. Der Bot pausiert."; },
      advisorEnded: "Die persönliche Beratung hat das Gespräch zurückgegeben. Der Förderlotse antwortet wieder."
    },
    en: {
      title: "Förderlotse", open: "Open the Förderlotse chat", close: "Close chat",
      erase: "Delete history", eraseAsk: "Delete the whole conversation on this device and on the server?",
      eraseYes: "Yes, delete", eraseNo: "Cancel", erased: "Your conversation has been deleted.",
      eraseFailed: "Deleting did not work. Please try again later.",
      label: "Your message", placeholder: "Your question …", send: "Send", log: "Conversation",
      notice: "Note: your messages are stored so that Förderlotse can answer and advisors can improve the service. Please do not enter names, phone numbers or health details.",
      privacy: "Privacy notice", you: "You", bot: "Förderlotse", advisor: "advisor",
      typing: "Förderlotse is typing …", offline: "Connection lost. Reconnecting … What you type will be sent afterwards.",
      online: "Connected again.", pending: "sending …", tooLong: "Your message is too long (at most 2000 characters). Please shorten it.",
      empty: "Please type a question.", tooFast: "You are writing very fast. Your message will be sent in a moment.", helpful: "Helpful", notHelpful: "Not helpful", thanks: "Thank you for your feedback.",
      advisorActive: function (n) { return n + " (advisor) has joined the conversation. The bot is paused."; },
      advisorEnded: "The advisor has handed the conversation back. Förderlotse answers again."
    }
  }[LANG];
  T.title = attr("title", T.title);
  var PRIVACY_URL = attr("privacy-url", SERVER + "/datenschutz" + (LANG === "en" ? "?lang=en" : ""));

  // -- state kept across reloads and pages of the site (localStorage) -------------------------
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }
  var state = load();
  state.outbox = Array.isArray(state.outbox) ? state.outbox : [];
  function save() {
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function newId() {
    var a = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // -- safe Markdown: text nodes only; links only http(s) --------------------------------------
  function safeUrl(raw) {
    try {
      var u = new URL(raw, location.href);
      return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
    } catch (e) { return null; }
  }
  var INLINE = /\*\*([^*\n]+)\*\*|\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?])/g;
  function inline(parent, text) {
    var pos = 0, m;
    INLINE.lastIndex = 0;
    while ((m = INLINE.exec(text)) !== null) {
      if (m.index > pos) parent.appendChild(document.createTextNode(text.slice(pos, m.index)));
      if (m[1] !== undefined) {
        var b = document.createElement("strong");
        b.textContent = m[1];
        parent.appendChild(b);
      } else {
        var url = safeUrl(m[3] !== undefined ? m[3] : m[4]);
        var label = m[2] !== undefined ? m[2] : m[4];
        if (url) {
          var a = document.createElement("a");
          a.href = url;
          a.textContent = label;
          a.target = "_blank";
          a.rel = "noopener noreferrer nofollow";
          parent.appendChild(a);
        } else {
          parent.appendChild(document.createTextNode(m[0]));
        }
      }
      pos = INLINE.lastIndex;
    }
    if (pos < text.length) parent.appendChild(document.createTextNode(text.slice(pos)));
  }
  var BULLET = /^\s*[-•*]\s+/;
  function markdown(text) {
    // paragraphs at blank lines; inside, runs of "- " lines become lists, other lines
    // become a paragraph with line breaks
    var frag = document.createDocumentFragment();
    String(text || "").replace(/\r/g, "").split(/\n{2,}/).forEach(function (block) {
      var current = null, kind = null;
      block.split("\n").forEach(function (line) {
        if (line.trim() === "") return;
        var bullet = BULLET.test(line);
        if (kind !== (bullet ? "ul" : "p")) {
          kind = bullet ? "ul" : "p";
          current = document.createElement(kind);
          frag.appendChild(current);
        } else if (!bullet) {
          current.appendChild(document.createElement("br"));
        }
        if (bullet) {
          var li = document.createElement("li");
          inline(li, line.replace(BULLET, ""));
          current.appendChild(li);
        } else {
          inline(current, line);
        }
      });
    });
    return frag;
  }

  // thumbs (Material Icons paths, Apache-2.0) drawn as SVG: no emoji font needed
  var THUMB_UP = "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z";
  var THUMB_DOWN = "M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2zm4 0v12h4V3h-4z";
  function icon(d) {
    var NS = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(NS, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  // -- colours: the text on the primary colour is white or black, whichever contrasts more ----
  function luminance(hex) {
    var c = [1, 3, 5].map(function (i) {
      var v = parseInt(hex.substr(i, 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  var L = luminance(COLOR);
  var ON_COLOR = (1.05 / (L + 0.05)) >= ((L + 0.05) / 0.05) ? "#ffffff" : "#000000";

  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif}",
    ".launcher{position:fixed;bottom:20px;" + POSITION + ":20px;z-index:2147483000;background:var(--c);color:var(--on);border:0;border-radius:28px;padding:14px 20px;font-size:16px;font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.3)}",
    ".panel{position:fixed;bottom:20px;" + POSITION + ":20px;z-index:2147483001;width:380px;max-width:calc(100vw - 40px);height:600px;max-height:calc(100vh - 40px);display:flex;flex-direction:column;background:#fff;color:#1a1a1a;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.35);overflow:hidden;font-size:15px;line-height:1.45;transition:opacity .15s ease,transform .15s ease}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:center;gap:8px;background:var(--c);color:var(--on);padding:10px 12px}",
    "h2{flex:1;margin:0;font-size:17px}",
    "header button{background:transparent;color:var(--on);border:1px solid currentColor;border-radius:6px;padding:4px 8px;font-size:13px;cursor:pointer}",
    "header .close{font-size:20px;line-height:1;padding:2px 9px}",
    ".status{margin:0;padding:6px 12px;font-size:13px;background:#fff4ce;color:#3d2e00;border-bottom:1px solid #e6d48a}",
    ".status:empty{display:none}",
    ".status.advisor{background:#e3f1e5;color:#113d1a;border-color:#9cc8a4}",
    ".log{flex:1;overflow-y:auto;padding:12px;background:#f5f6f8}",
    ".msg{margin:0 0 10px;max-width:88%;padding:8px 11px;border-radius:10px;word-wrap:break-word;overflow-wrap:anywhere}",
    ".msg p{margin:0 0 6px}.msg p:last-of-type{margin-bottom:0}.msg ul{margin:4px 0;padding-left:20px}",
    ".bot{background:#fff;border:1px solid #d5d8dd}",
    ".advisor{background:#e3f1e5;border:1px solid #9cc8a4}",
    ".user{background:var(--c);color:var(--on);margin-left:auto}",
    ".user a{color:var(--on)}",
    ".bot a,.advisor a{color:#0a4a8a}",
    ".meta{display:flex;align-items:center;gap:6px;margin-top:4px;font-size:12px;color:#555}",
    ".user .meta{color:inherit;opacity:.9}",
    ".who{font-weight:600}",
    ".pending .meta::after{content:attr(data-pending)}",
    ".note{font-size:13px;color:#333;text-align:center;margin:6px 0 10px}",
    ".error{color:#8a1010}",
    ".fb{margin-left:auto;display:flex;gap:2px}",
    ".fb button{display:inline-flex;background:transparent;border:1px solid transparent;border-radius:5px;cursor:pointer;padding:3px 5px;color:#555}",
    ".notice-text[hidden]{display:none}",
    ".fb button[aria-pressed=true]{border-color:#555;background:#eef}",
    ".replies{display:flex;flex-wrap:wrap;gap:6px;margin:0 0 10px}",
    ".replies button{background:#fff;color:#0a4a8a;border:1px solid #0a4a8a;border-radius:16px;padding:5px 12px;font-size:14px;cursor:pointer}",
    ".typing{font-size:13px;color:#444;padding:0 12px 6px;background:#f5f6f8}",
    ".typing[hidden]{display:none}",
    ".notice{margin:0;padding:8px 12px;font-size:12px;color:#333;background:#fff;border-top:1px solid #d5d8dd}",
    ".notice a{color:#0a4a8a}",
    ".confirm{padding:10px 12px;background:#fff4ce;color:#3d2e00;font-size:14px;border-bottom:1px solid #e6d48a}",
    ".confirm[hidden]{display:none}",
    ".confirm button{margin:6px 6px 0 0;padding:4px 10px;border-radius:6px;border:1px solid #3d2e00;background:#fff;color:#3d2e00;cursor:pointer}",
    "form{display:flex;gap:8px;padding:10px 12px;border-top:1px solid #d5d8dd;background:#fff}",
    "textarea{flex:1;resize:none;height:42px;max-height:120px;padding:9px 10px;font-size:15px;border:1px solid #767676;border-radius:8px;color:#1a1a1a}",
    "form button{background:var(--c);color:var(--on);border:0;border-radius:8px;padding:0 14px;font-size:15px;font-weight:600;cursor:pointer}",
    ".sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);border:0;white-space:nowrap}",
    "button:focus-visible,textarea:focus-visible,a:focus-visible,.log:focus-visible{outline:3px solid #ffbf47;outline-offset:2px;box-shadow:0 0 0 5px #1a1a1a}",
    "@media (max-width:600px){.panel{top:0;left:0;right:0;bottom:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0}}",
    "@media (prefers-reduced-motion:reduce){.panel{transition:none}*{scroll-behavior:auto!important;animation:none!important}}"
  ].join("\n");

  // -- DOM ---------------------------------------------------------------------------------------
  function el(tag, props, children) {
    var e = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === "text") e.textContent = props[k];
      else if (k === "class") e.className = props[k];
      else if (k === "hidden") e.hidden = props[k];
      else e.setAttribute(k, props[k]);
    });
    (children || []).forEach(function (c) { e.appendChild(c); });
    return e;
  }

  var host = el("div", { id: "foerderlotse-widget" });
  host.style.setProperty("--c", COLOR);
  host.style.setProperty("--on", ON_COLOR);
  var root = host.attachShadow({ mode: "open" });
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch (e) {
    root.appendChild(el("style", { text: CSS }));
  }

  var launcher = el("button", { class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "fl-panel", "aria-label": T.open, text: T.title });
  var closeBtn = el("button", { class: "close", type: "button", "aria-label": T.close, text: "×" });
  var eraseBtn = el("button", { class: "erase", type: "button", text: T.erase });
  var statusBar = el("p", { class: "status", role: "status", "aria-live": "polite" });
  var yes = el("button", { type: "button", text: T.eraseYes });
  var no = el("button", { type: "button", text: T.eraseNo });
  var confirmBox = el("div", { class: "confirm", hidden: true, role: "alertdialog", "aria-label": T.erase }, [
    el("p", { text: T.eraseAsk, style: "margin:0" }), yes, no
  ]);
  var log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": T.log, tabindex: "0" });
  var typing = el("div", { class: "typing", hidden: true, "aria-hidden": "true", text: T.typing });
  var privacyLink = el("a", { href: PRIVACY_URL, target: "_blank", rel: "noopener", text: T.privacy });
  var noticeText = el("span", { class: "notice-text", text: T.notice + " " });
  var notice = el("p", { class: "notice" }, [noticeText, privacyLink]);
  function updateNotice() { noticeText.hidden = log.querySelector(".msg") !== null; }
  var input = el("textarea", { id: "fl-input", rows: "1", placeholder: T.placeholder, "aria-describedby": "fl-hint", autocomplete: "off" });
  var hint = el("span", { id: "fl-hint", class: "sr", text: "" });
  var sendBtn = el("button", { type: "submit", text: T.send });
  var form = el("form", { novalidate: "" }, [el("label", { for: "fl-input", class: "sr", text: T.label }), input, sendBtn, hint]);
  var panel = el("section", { class: "panel", id: "fl-panel", role: "dialog", "aria-labelledby": "fl-title", hidden: true }, [
    el("header", {}, [el("h2", { id: "fl-title", text: T.title }), eraseBtn, closeBtn]),
    statusBar, confirmBox, log, typing, notice, form
  ]);
  root.appendChild(launcher);
  root.appendChild(panel);

  function atBottom() { return log.scrollHeight - log.scrollTop - log.clientHeight < 80; }
  function scrollDown(force) {
    if (force || atBottom()) log.scrollTop = log.scrollHeight; // never moves focus
  }
  function time(ts) {
    var d = ts ? new Date(ts * 1000) : new Date();
    return el("time", { datetime: d.toISOString(), text: d.toLocaleTimeString(LANG === "en" ? "en-GB" : "de-DE", { hour: "2-digit", minute: "2-digit" }) });
  }

  var botCount = 0;
  function addMessage(kind, text, opts) {
    opts = opts || {};
    var follow = atBottom();
    var who = kind === "user" ? T.you : kind === "advisor" ? (opts.name || T.advisor) + " (" + T.advisor + ")" : T.bot;
    var body = el("div", { class: "body" });
    body.appendChild(kind === "user" ? document.createTextNode(text) : markdown(text));
    var meta = el("div", { class: "meta" }, [el("span", { class: "who", text: who }), time(opts.ts)]);
    var msg = el("div", { class: "msg " + kind }, [el("span", { class: "sr", text: who + ": " }), body, meta]);
    if (kind === "user") {
      msg.querySelector(".who").setAttribute("aria-hidden", "true");
    }
    if (opts.mid) msg.setAttribute("data-mid", opts.mid);
    if (opts.pending) { msg.classList.add("pending"); meta.setAttribute("data-pending", "· " + T.pending); }
    if (kind === "bot" && text) {
      var index = botCount++;
      meta.appendChild(feedbackButtons(index, text));
    }
    log.appendChild(msg);
    updateNotice();
    scrollDown(follow);
    return msg;
  }
  function addNote(text, cls) {
    var follow = atBottom();
    log.appendChild(el("p", { class: "note" + (cls ? " " + cls : ""), text: text }));
    scrollDown(follow);
  }
  function clearReplies() {
    Array.prototype.forEach.call(log.querySelectorAll(".replies"), function (r) { r.remove(); });
  }
  function addReplies(replies) {
    clearReplies();
    if (!replies || !replies.length) return;
    var box = el("div", { class: "replies", role: "group", "aria-label": T.bot });
    replies.forEach(function (r) {
      if (!r || !r.title) return;
      var b = el("button", { type: "button", text: String(r.title) });
      b.addEventListener("click", function () {
        clearReplies();
        send(String(r.payload || r.title), String(r.title));
      });
      box.appendChild(b);
    });
    log.appendChild(box);
    scrollDown(true);
  }
  function feedbackButtons(index, text) {
    var up = el("button", { type: "button", "aria-label": T.helpful, title: T.helpful, "aria-pressed": "false" }, [icon(THUMB_UP)]);
    var down = el("button", { type: "button", "aria-label": T.notHelpful, title: T.notHelpful, "aria-pressed": "false" }, [icon(THUMB_DOWN)]);
    function rate(value, button, other) {
      button.setAttribute("aria-pressed", "true");
      other.setAttribute("aria-pressed", "false");
      post("/api/widget/feedback", { session_id: state.sessionId, rating: value, index: index, excerpt: text.slice(0, 200) })
        .then(function () { hint.textContent = T.thanks; })
        .catch(function () { /* feedback is optional */ });
    }
    up.addEventListener("click", function () { rate("up", up, down); });
    down.addEventListener("click", function () { rate("down", down, up); });
    return el("span", { class: "fb" }, [up, down]);
  }

  function post(path, body) {
    return fetch(SERVER + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); });
  }

  // -- open / close ------------------------------------------------------------------------------
  function open(focus) {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    save();
    connect();
    scrollDown(true);
    if (focus !== false) input.focus();
  }
  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    confirmBox.hidden = true;
    state.open = false;
    save();
    launcher.focus();
  }
  launcher.addEventListener("click", function () { open(); });
  closeBtn.addEventListener("click", close);
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { e.preventDefault(); if (!confirmBox.hidden) { confirmBox.hidden = true; eraseBtn.focus(); } else close(); }
  });

  // -- the connection ----------------------------------------------------------------------------
  var socket = null, confirmed = false, flushing = false, wasOffline = false, config = null;
  var typingTimer = null;
  function showTyping(on) {
    typing.hidden = !on;
    clearTimeout(typingTimer);
    if (on) typingTimer = setTimeout(function () { typing.hidden = true; }, 20000);
  }
  function setStatus(text, cls) {
    statusBar.className = "status" + (cls ? " " + cls : "");
    statusBar.textContent = text || "";
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (window.io) return resolve();
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  var connecting = null;
  function connect() {
    if (connecting) return connecting;
    connecting = fetch(SERVER + "/api/widget/config").then(function (r) { return r.json(); })
      .then(function (c) { config = c; return loadScript(SERVER + c.socket_client); })
      .then(function () {
        socket = window.io(config.socket_url, { path: config.socket_path, transports: ["websocket"], reconnectionDelay: 500, reconnectionDelayMax: 3000 });
        socket.on("connect", function () {
          confirmed = false;
          socket.emit("session_request", { session_id: state.sessionId || null });
        });
        socket.on("session_confirm", function (id) {
          if (typeof id === "string" && id) { state.sessionId = id; save(); }
          confirmed = true;
          host.setAttribute("data-connected", "true");
          var reconnected = wasOffline;
          wasOffline = false;
          // (re)load the conversation from the server after joining it, so that nothing said
          // while this page was loading or offline is missing
          resync().then(function () {
            if (reconnected) { setStatus(advisorName ? T.advisorActive(advisorName) : "", advisorName ? "advisor" : ""); addNote(T.online); }
            flush();
          });
        });
        socket.on("disconnect", function () { confirmed = false; wasOffline = true; host.removeAttribute("data-connected"); showTyping(false); setStatus(T.offline); });
        socket.on("connect_error", function () { if (!wasOffline) { wasOffline = true; setStatus(T.offline); } });
        socket.on("bot_uttered", onBot);
      })
      .catch(function () {
        connecting = null;
        wasOffline = true;
        setStatus(T.offline);
        setTimeout(function () { if (!panel.hidden) connect(); }, 3000);
      });
    return connecting;
  }

  var advisorName = null;
  var syncing = false, buffered = [];
  function onBot(msg) {
    if (!msg || typeof msg !== "object") return;
    if (syncing) { buffered.push(msg); return; } // rendered after the history
    renderBot(msg);
  }
  function renderBot(msg) {
    var custom = msg.custom;
    if (custom && typeof custom === "object") {
      if (custom.advisor && typeof custom.advisor === "object") {
        showTyping(false);
        addMessage("advisor", String(custom.advisor.text || ""), { name: String(custom.advisor.name || "") });
      } else if (custom.handoff === "active") {
        advisorName = String(custom.name || T.advisor);
        setStatus(T.advisorActive(advisorName), "advisor");
      } else if (custom.handoff === "ended") {
        advisorName = null;
        setStatus("");
        addNote(T.advisorEnded);
      } else if (custom.control === "erased") {
        resetLocal();
      }
      return;
    }
    showTyping(false);
    if (msg.text) addMessage("bot", String(msg.text));
    if (msg.quick_replies && msg.quick_replies.length) addReplies(msg.quick_replies);
  }

  function resync() {
    if (!state.sessionId) return Promise.resolve();
    syncing = true;
    return fetch(SERVER + "/api/widget/history?session_id=" + encodeURIComponent(state.sessionId))
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (h) {
        if (!(h.messages || []).length && !state.outbox.length) return; // keep notes, e.g. "erased"
        while (log.firstChild) log.removeChild(log.firstChild);
        botCount = 0;
        var pendingIds = {};
        state.outbox.forEach(function (o) { pendingIds[o.mid] = true; });
        (h.messages || []).forEach(function (m, i, all) {
          if (m.mid && pendingIds[m.mid]) { delete pendingIds[m.mid]; dropFromOutbox(m.mid); }
          addMessage(m.from === "user" ? "user" : m.from === "advisor" ? "advisor" : "bot", String(m.text || ""), { ts: m.ts, name: m.name });
          if (i === all.length - 1 && m.buttons && m.buttons.length) addReplies(m.buttons);
        });
        if (h.advisor_active) { advisorName = h.advisor_name || T.advisor; setStatus(T.advisorActive(advisorName), "advisor"); }
        state.outbox.forEach(function (o) { addMessage("user", o.text, { pending: true, mid: o.mid, ts: o.ts }); });
        scrollDown(true);
      })
      .catch(function () { /* keep what is shown */ })
      .then(function () {
        // live messages that arrived meanwhile, unless the history already had them
        var shown = Array.prototype.map.call(log.querySelectorAll(".msg .body"), function (b) { return b.textContent; }).slice(-5);
        var pending = buffered;
        buffered = [];
        syncing = false;
        pending.forEach(function (m) {
          var text = m.text || (m.custom && m.custom.advisor && m.custom.advisor.text);
          var plain = document.createElement("div");
          plain.appendChild(markdown(String(text || "")));
          if (text && shown.indexOf(plain.textContent) >= 0) return;
          renderBot(m);
        });
      });
  }

  function dropFromOutbox(mid) {
    state.outbox = state.outbox.filter(function (o) { return o.mid !== mid; });
    save();
    var shown = log.querySelector('[data-mid="' + mid + '"]');
    if (shown) shown.classList.remove("pending");
  }

  var slowedDown = false;
  function flush() {
    if (flushing || slowedDown || syncing || !confirmed || !socket || !state.outbox.length) return;
    flushing = true;
    var item = state.outbox[0];
    showTyping(!advisorName); // while a person answers, the bot does not "type"
    socket.timeout(30000).emit("user_uttered", {
      session_id: state.sessionId, message: item.payload || item.text, mid: item.mid, metadata: { language: LANG, title: item.payload ? item.text : undefined }
    }, function (err, ack) {
      flushing = false;
      if (err) return; // no answer in time: stays in the outbox, sent again after reconnecting
      if (ack && ack.error === "rate_limited") { // stays in the outbox, sent again when allowed
        showTyping(false);
        slowedDown = true;
        addNote(T.tooFast);
        setTimeout(function () { slowedDown = false; flush(); }, Math.max(1, Number(ack.retry_after) || 1) * 1000);
        return;
      }
      dropFromOutbox(item.mid);
      if (ack && ack.ok === false) {
        showTyping(false);
        addNote(ack.error === "too_long" ? T.tooLong : T.empty, "error");
      }
      flush();
    });
  }

  function send(payload, title) {
    var text = title || payload;
    var item = { mid: newId(), text: text, payload: title ? payload : undefined, ts: Date.now() / 1000 };
    if (!state.sessionId) { state.sessionId = newId(); }
    state.outbox.push(item);
    save();
    addMessage("user", text, { pending: true, mid: item.mid });
    scrollDown(true);
    connect();
    flush();
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) { hint.textContent = T.empty; addNote(T.empty, "error"); return; }
    if (text.length > MAX) { hint.textContent = T.tooLong; addNote(T.tooLong, "error"); return; } // the text stays in the box
    input.value = "";
    hint.textContent = "";
    clearReplies();
    send(text);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : sendBtn.click(); }
  });

  // -- erase -------------------------------------------------------------------------------------
  function resetLocal() {
    state = { open: !panel.hidden, outbox: [] };
    save();
    botCount = 0;
    while (log.firstChild) log.removeChild(log.firstChild);
    updateNotice();
    advisorName = null;
    setStatus("");
    addNote(T.erased);
    if (socket) { socket.disconnect(); socket = null; connecting = null; wasOffline = false; connect(); }
  }
  eraseBtn.addEventListener("click", function () { confirmBox.hidden = false; yes.focus(); });
  no.addEventListener("click", function () { confirmBox.hidden = true; eraseBtn.focus(); });
  yes.addEventListener("click", function () {
    confirmBox.hidden = true;
    if (!state.sessionId) { resetLocal(); input.focus(); return; }
    post("/api/widget/erase", { session_id: state.sessionId })
      .then(function () { resetLocal(); input.focus(); })
      .catch(function () { addNote(T.eraseFailed, "error"); });
  });

  function mount() {
    document.body.appendChild(host);
    if (START_OPEN || state.open) open(false);
    else if (state.sessionId || state.outbox.length) connect();
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
