// Chat widget for Rasa's socket.io channel. Plain DOM, no framework.
// Everything the bot sends is inserted as text (textContent), never as HTML.
(function () {
  "use strict";

  var L = window.CHAT_LABELS;
  var CONFIG = window.ASSISTANT_CONFIG || {
    rasaUrl: location.protocol + "//" + location.hostname + ":5005",
    socketPath: "/socket.io/",
  };
  // sessionStorage: the conversation survives a reload but not the closing of the
  // tab, which matters on the shared computers of a careers service.
  var STORAGE_KEY = "assistant-medical-chat";
  var MAX_STORED_MESSAGES = 200;
  var MAX_CHARS = 1000;
  var MAX_COMMENT_CHARS = 300;
  var TURN_TIMEOUT_MS = 45000;
  var ANSWER_ID = /^[A-Za-z0-9_-]{1,64}$/;

  var state = loadState();
  var socket = null;
  var everConnected = false;
  var turnTimer = null;
  var els = {};
  // The turns sent and not yet ended (bot_turn_end), in order: a visitor's message, or a rating,
  // whose replies are shown under the rated answer rather than in the conversation.
  var turns = [];

  function loadState() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "null");
      if (saved && Array.isArray(saved.messages)) {
        if (!saved.ratings || typeof saved.ratings !== "object") saved.ratings = {};
        return saved;
      }
    } catch (e) { /* unreadable storage: start afresh */ }
    return { sessionId: null, messages: [], quickReplies: [], open: false, ratings: {} };
  }

  function saveState() {
    state.messages = state.messages.slice(-MAX_STORED_MESSAGES);
    try { sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state)); } catch (e) { /* private mode: keep in memory */ }
  }

  // ---- DOM helpers -------------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function build() {
    var root = document.getElementById("chat-widget") || document.body.appendChild(el("div", { id: "chat-widget" }));

    els.panel = el("section", { id: "chat-panel", className: "chat-panel", role: "dialog", "aria-labelledby": "chat-title", hidden: "" });
    var header = el("div", { className: "chat-header" });
    var titles = el("div", { className: "chat-titles" });
    titles.appendChild(el("h2", { id: "chat-title" }, L.panelTitle));
    titles.appendChild(el("p", {}, L.panelSubtitle));
    els.reset = el("button", { type: "button", className: "chat-reset" }, L.newConversation);
    els.close = el("button", { type: "button", className: "chat-close", "aria-label": L.close }, "✕");
    header.appendChild(titles);
    header.appendChild(els.reset);
    header.appendChild(els.close);

    els.status = el("p", { className: "chat-status", role: "status", "data-state": "connecting" });
    var notice = el("p", { className: "chat-notice" }, L.botDisclosure + " " + L.privacy);
    // A log, not a list: role="log" on a list would take its items' list semantics away.
    els.log = el("div", { className: "chat-log", role: "log", "aria-live": "polite", "aria-label": L.panelTitle, tabindex: "0" });
    els.typing = el("p", { className: "chat-typing", "aria-live": "polite", "data-active": "false" });
    els.quick = el("div", { className: "chat-quick-replies", role: "group", "aria-label": L.quickRepliesLabel });

    els.form = el("form", { className: "chat-form", novalidate: "" });
    var label = el("label", { for: "chat-input", className: "visually-hidden" }, L.inputLabel);
    els.input = el("textarea", {
      id: "chat-input", rows: "1", maxlength: String(MAX_CHARS), placeholder: L.inputPlaceholder,
      autocomplete: "off", "aria-describedby": "chat-input-help",
    });
    var help = el("span", { id: "chat-input-help", className: "visually-hidden" },
      "Entrée pour envoyer, Maj + Entrée pour aller à la ligne. " + MAX_CHARS + " caractères au plus.");
    els.send = el("button", { type: "submit", className: "button" }, L.send);
    els.form.appendChild(label);
    els.form.appendChild(els.input);
    els.form.appendChild(help);
    els.form.appendChild(els.send);

    [header, els.status, notice, els.log, els.typing, els.quick, els.form].forEach(function (n) { els.panel.appendChild(n); });

    els.launcher = el("button", {
      type: "button", className: "chat-launcher", "aria-expanded": "false", "aria-controls": "chat-panel",
    }, L.launcherOpen);

    root.appendChild(els.panel);
    root.appendChild(els.launcher);

    els.launcher.addEventListener("click", function () { setOpen(els.panel.hidden); });
    els.close.addEventListener("click", function () { setOpen(false); });
    els.reset.addEventListener("click", resetConversation);
    els.form.addEventListener("submit", function (event) {
      event.preventDefault();
      submitInput();
    });
    els.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submitInput();
      }
    });
    els.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); setOpen(false); }
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-open-chat]"), function (button) {
      button.addEventListener("click", function () { setOpen(true); });
    });
  }

  // ---- Rendering -------------------------------------------------------------------
  function renderMessage(message) {
    var item;
    if (message.card) item = renderCard(message.card);
    else {
      item = el("div", { className: "chat-message " + message.from });
      item.appendChild(el("span", { className: "visually-hidden" }, (message.from === "user" ? L.userName : L.botName) + " : "));
      var text = message.text;
      var cut = message.sources && message.sources.length ? text.lastIndexOf("\n\nSource") : -1;
      item.appendChild(document.createTextNode(cut >= 0 ? text.slice(0, cut) : text));
      if (cut >= 0) item.appendChild(renderSources(message.sources));
    }
    if (message.feedback && ANSWER_ID.test(String(message.feedback.answerId))) {
      item.appendChild(renderFeedback(String(message.feedback.answerId)));
    }
    els.log.appendChild(item);
    els.log.scrollTop = els.log.scrollHeight;
  }

  // The answer's source line, each official source a link opened in a new tab.
  function renderSources(sources) {
    var line = el("p", { className: "chat-sources" }, (sources.length > 1 ? L.sourcesMany : L.sourcesOne) + " : ");
    sources.forEach(function (source, index) {
      if (index) line.appendChild(document.createTextNode(" ; "));
      var label = String(source.label || source.title || "");
      var url = typeof source.url === "string" && /^https:\/\/[^\s"<>]+$/.test(source.url) ? source.url : null;
      if (url) {
        var link = el("a", { href: url, target: "_blank", rel: "noopener noreferrer", title: String(source.title || label) }, label);
        link.appendChild(el("span", { className: "visually-hidden" }, " " + L.newTab));
        line.appendChild(link);
      } else {
        line.appendChild(el("span", { title: String(source.title || label) }, label));
      }
    });
    line.appendChild(document.createTextNode("."));
    return line;
  }

  // ---- Feedback: « Cette réponse vous a-t-elle aidé ? », 👍 / 👎, then an optional reason and comment.
  function renderFeedback(answerId) {
    var box = el("div", { className: "chat-feedback", role: "group", "aria-label": L.feedbackGroup, "data-answer": answerId });
    var done = state.ratings[answerId];
    if (done && done.recorded) {
      box.appendChild(el("p", { className: "chat-feedback-status", role: "status" }, done.text || L.feedbackThanks));
      return box;
    }
    var ids = "chat-feedback-" + answerId;
    var row = el("div", { className: "chat-feedback-row" });
    row.appendChild(el("p", { className: "chat-feedback-question", id: ids + "-question" }, L.feedbackQuestion));
    var up = rateButton("👍", L.feedbackUp, L.feedbackUpMore, "up");
    var down = rateButton("👎", L.feedbackDown, L.feedbackDownMore, "down");
    row.appendChild(up);
    row.appendChild(down);
    box.appendChild(row);

    var details = el("div", { className: "chat-feedback-details", hidden: "" });
    details.appendChild(el("p", { className: "chat-feedback-label", id: ids + "-reasons" }, L.feedbackReasonsLabel));
    var reasons = el("div", { className: "chat-feedback-reasons", role: "group", "aria-labelledby": ids + "-reasons" });
    var chosen = null;
    L.feedbackReasons.forEach(function (reason) {
      var button = el("button", { type: "button", className: "chat-feedback-reason", "aria-pressed": "false", "data-reason": reason.id }, reason.label);
      button.addEventListener("click", function () {
        chosen = chosen === reason.id ? null : reason.id;
        Array.prototype.forEach.call(reasons.querySelectorAll("button"), function (b) {
          b.setAttribute("aria-pressed", b.getAttribute("data-reason") === chosen ? "true" : "false");
        });
      });
      reasons.appendChild(button);
    });
    details.appendChild(reasons);
    details.appendChild(el("label", { for: ids + "-comment", className: "chat-feedback-label" }, L.feedbackCommentLabel));
    var comment = el("textarea", { id: ids + "-comment", rows: "2", maxlength: String(MAX_COMMENT_CHARS), className: "chat-feedback-comment" });
    details.appendChild(comment);
    var send = el("button", { type: "button", className: "chat-feedback-send" }, L.feedbackSend);
    details.appendChild(send);
    box.appendChild(details);
    var status = el("p", { className: "chat-feedback-status", role: "status" });
    box.appendChild(status);

    up.addEventListener("click", function () { sendFeedback(answerId, box, { rating: "up" }); });
    down.addEventListener("click", function () {
      down.setAttribute("aria-pressed", "true");
      up.setAttribute("aria-pressed", "false");
      details.hidden = false;
      reasons.querySelector("button").focus();
    });
    send.addEventListener("click", function () {
      sendFeedback(answerId, box, { rating: "down", reason: chosen, comment: comment.value.trim().slice(0, MAX_COMMENT_CHARS) });
    });
    return box;
  }

  // « 👍 Oui »: the word is shown too (not every device has the emoji), the sentence is for screen readers.
  function rateButton(symbol, word, more, rating) {
    var button = el("button", {
      type: "button", className: "chat-feedback-rate", "aria-pressed": "false", "data-rating": rating, "aria-label": word + more,
    });
    button.appendChild(el("span", { "aria-hidden": "true", className: "chat-feedback-symbol" }, symbol));
    button.appendChild(document.createTextNode(" " + word));
    return button;
  }

  function setFeedbackBusy(box, busy) {
    Array.prototype.forEach.call(box.querySelectorAll("button, textarea"), function (control) { control.disabled = busy; });
  }

  // A rating is a payload message (/give_feedback{...}): never shown as the visitor's message,
  // and read by no classifier (bot/feedback.py).
  function sendFeedback(answerId, box, fields) {
    var status = box.querySelector(".chat-feedback-status");
    if (!socket || !socket.connected || !state.sessionId) {
      status.textContent = L.feedbackOffline;
      return;
    }
    var data = { feedback_answer: answerId, feedback_rating: fields.rating };
    if (fields.reason) data.feedback_reason = fields.reason;
    if (fields.comment) data.feedback_comment = fields.comment;
    // (Disabled controls lose the focus: remember whether the visitor was there, to give it back.)
    turns.push({ kind: "feedback", answerId: answerId, box: box, recorded: false, text: "", focused: box.contains(document.activeElement) });
    socket.emit("user_uttered", { message: "/give_feedback" + JSON.stringify(data), session_id: state.sessionId });
    setFeedbackBusy(box, true);
    status.textContent = L.feedbackSending;
  }

  function feedbackReply(turn, data) {
    var custom = data.custom && typeof data.custom === "object" ? data.custom : {};
    if (typeof data.text === "string" && data.text) turn.text = data.text;
    if (custom.type === "feedback_ack" && custom.answer_id === turn.answerId && custom.recorded === true) turn.recorded = true;
  }

  function feedbackDone(turn) {
    var box = turn.box;
    var status = box.querySelector(".chat-feedback-status");
    if (!turn.recorded) {
      setFeedbackBusy(box, false);
      status.textContent = turn.text || L.feedbackFailed;
      if (turn.focused) box.querySelector("button").focus();
      return;
    }
    state.ratings[turn.answerId] = { recorded: true, text: turn.text || L.feedbackThanks };
    saveState();
    var thanks = el("p", { className: "chat-feedback-status", role: "status", tabindex: "-1" }, state.ratings[turn.answerId].text);
    box.textContent = "";
    box.appendChild(thanks);
    if (turn.focused) thanks.focus();
  }

  function field(list, term, value) {
    if (!value) return;
    list.appendChild(el("dt", {}, term));
    list.appendChild(el("dd", {}, value));
  }

  function bulletList(container, title, items) {
    if (!items || !items.length) return;
    container.appendChild(el("h4", {}, title));
    var list = el("ul");
    items.forEach(function (text) { if (text) list.appendChild(el("li", {}, text)); });
    container.appendChild(list);
  }

  function routeBlock(container, route, heading) {
    container.appendChild(el(heading, {}, route.name));
    var facts = el("dl");
    field(facts, L.cardCost, route.cost);
    field(facts, L.cardDuration, route.duration);
    field(facts, L.cardCertification, route.certification);
    container.appendChild(facts);
  }

  function renderCard(card) {
    var item = el("div", { className: "chat-card" });
    var article = el("article", { "aria-label": L.cardTitle });
    var top = card.top || {};
    // Shown on paper only: what the printed page is and when the advice was given.
    var printed = el("header", { className: "chat-card-print-header" });
    printed.appendChild(el("p", { className: "chat-card-print-title" }, L.printTitle));
    printed.appendChild(el("p", {}, L.printDate + " " + adviceDate(card)));
    article.appendChild(printed);
    article.appendChild(el("p", { className: "chat-card-note" }, card.nothing_fits ? L.cardNothingFits : L.cardTitle));
    routeBlock(article, top, "h3");
    bulletList(article, L.cardWhy, top.reasons);
    bulletList(article, L.cardCautions, top.cautions);
    bulletList(article, L.cardFinancing, top.financing);
    bulletList(article, L.cardNextSteps, top.next_steps);
    if (card.alternatives && card.alternatives.length) {
      article.appendChild(el("h4", {}, L.cardAlternatives));
      card.alternatives.forEach(function (alternative) {
        var block = el("div");
        routeBlock(block, alternative, "h4");
        article.appendChild(block);
      });
    }
    if (card.recap) {
      article.appendChild(el("h4", {}, L.cardRecap));
      article.appendChild(el("p", { className: "chat-card-recap" }, card.recap));
    }
    if (top.sources && top.sources.length) {
      var sources = renderSources(cardSources(top));
      sources.className = "chat-card-sources";
      article.appendChild(sources);
    }
    if (card.disclaimer) article.appendChild(el("p", { className: "chat-card-note" }, card.disclaimer));

    var actions = el("div", { className: "chat-card-actions" });
    var print = el("button", { type: "button", className: "chat-card-action" }, L.cardPrint);
    var copy = el("button", { type: "button", className: "chat-card-action" }, L.cardCopy);
    var said = el("p", { className: "chat-card-status", role: "status" });
    print.addEventListener("click", function () { printCard(item); });
    copy.addEventListener("click", function () { copySummary(card, said); });
    actions.appendChild(print);
    actions.appendChild(copy);
    article.appendChild(actions);
    article.appendChild(said);
    item.appendChild(article);
    return item;
  }

  function cardSources(route) {
    return (route.sources || []).map(function (s) { return typeof s === "string" ? { label: s } : s; });
  }

  // The day the card was received (kept with the conversation), in French.
  function adviceDate(card) {
    var date = card.received ? new Date(card.received) : new Date();
    return date.toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric" });
  }

  // The browser's own print dialog, which also saves as PDF; the print style sheet shows
  // this card alone while the class is on (style.css, @media print).
  function printCard(item) {
    Array.prototype.forEach.call(document.querySelectorAll(".chat-card-printed"), function (n) {
      n.classList.remove("chat-card-printed");
    });
    item.classList.add("chat-card-printed");
    document.documentElement.classList.add("chat-printing");
    window.addEventListener("afterprint", function done() {
      window.removeEventListener("afterprint", done);
      document.documentElement.classList.remove("chat-printing");
      item.classList.remove("chat-card-printed");
    });
    window.print();
  }

  function summaryText(card) {
    var top = card.top || {};
    var lines = [(card.nothing_fits ? L.cardNothingFits : L.cardTitle) + " : " + (top.name || "")];
    [[L.cardCost, top.cost], [L.cardDuration, top.duration], [L.cardCertification, top.certification]].forEach(function (pair) {
      if (pair[1]) lines.push(pair[0] + " : " + pair[1]);
    });
    [[L.cardWhy, top.reasons], [L.cardCautions, top.cautions], [L.cardFinancing, top.financing], [L.cardNextSteps, top.next_steps]]
      .forEach(function (pair) {
        if (!pair[1] || !pair[1].length) return;
        lines.push("", pair[0] + " :");
        pair[1].forEach(function (text) { lines.push("- " + text); });
      });
    if (card.alternatives && card.alternatives.length) {
      lines.push("", L.cardAlternatives + " :");
      card.alternatives.forEach(function (a) { lines.push("- " + a.name + " (" + [a.cost, a.duration].filter(Boolean).join(" ; ") + ")"); });
    }
    if (card.recap) lines.push("", L.cardRecap + " : " + card.recap);
    var sources = cardSources(top);
    if (sources.length) {
      lines.push("", L.cardSources + " :");
      sources.forEach(function (s) { lines.push("- " + (s.title || s.label) + (s.url ? " : " + s.url : "")); });
    }
    if (card.disclaimer) lines.push("", card.disclaimer);
    lines.push("", L.printDate + " " + adviceDate(card) + ".");
    return lines.join("\n");
  }

  function copySummary(card, said) {
    var text = summaryText(card);
    function ok() { said.textContent = L.cardCopied; }
    function failed() {
      // Without the asynchronous clipboard (an old browser, a page not served securely).
      var area = el("textarea", { readonly: "", className: "visually-hidden" });
      area.value = text;
      document.body.appendChild(area);
      area.select();
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      document.body.removeChild(area);
      said.textContent = copied ? L.cardCopied : L.cardCopyFailed;
    }
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(ok, failed);
    else failed();
  }

  function renderQuickReplies() {
    els.quick.textContent = "";
    (state.quickReplies || []).forEach(function (reply) {
      var button = el("button", { type: "button" }, reply.title);
      button.addEventListener("click", function () { sendToBot(reply.shown || reply.title, reply.payload); });
      els.quick.appendChild(button);
    });
  }

  function addMessage(message) {
    state.messages.push(message);
    saveState();
    renderMessage(message);
  }

  function setTyping(active) {
    clearTimeout(turnTimer);
    els.typing.setAttribute("data-active", active ? "true" : "false");
    els.typing.textContent = active ? L.typing : "";
    if (active) {
      turnTimer = setTimeout(function () {
        setTyping(false);
        addMessage({ from: "error", text: L.noAnswer });
      }, TURN_TIMEOUT_MS);
    }
  }

  function setStatus(kind, text) {
    els.status.setAttribute("data-state", kind);
    els.status.textContent = text;
    if (kind === "online") {
      setTimeout(function () { if (els.status.getAttribute("data-state") === "online") els.status.textContent = ""; }, 3000);
    }
  }

  function setOpen(open) {
    els.panel.hidden = !open;
    els.launcher.setAttribute("aria-expanded", open ? "true" : "false");
    els.launcher.textContent = open ? L.launcherClose : L.launcherOpen;
    document.documentElement.classList.toggle("chat-open", open);
    state.open = open;
    saveState();
    if (open) {
      connect();
      els.input.focus();
    } else {
      els.launcher.focus();
    }
  }

  // ---- Conversation ---------------------------------------------------------------
  function submitInput() {
    var text = els.input.value.trim();
    if (!text) return;
    if (text.length > MAX_CHARS) {
      addMessage({ from: "error", text: L.tooLong });
      return;
    }
    if (sendToBot(text, text)) els.input.value = "";
  }

  function sendToBot(shown, payload) {
    if (!socket || !socket.connected || !state.sessionId) {
      addMessage({ from: "error", text: L.offlineSend });
      return false;
    }
    addMessage({ from: "user", text: shown });
    // Kept until the next message: offered again if the server could not record it.
    state.lastSent = { shown: shown, payload: payload };
    state.quickReplies = [];
    saveState();
    renderQuickReplies();
    turns.push({ kind: "message" });
    socket.emit("user_uttered", { message: payload, session_id: state.sessionId });
    setTyping(true);
    els.input.focus();
    return true;
  }

  // One message of the bot: its text (with the links of its sources), its card, its buttons.
  function receive(data) {
    if (!data || typeof data !== "object") return;
    var custom = data.custom && typeof data.custom === "object" ? data.custom : null;
    // A knowledge answer or a recommendation can be rated: under the answer, under the card.
    var rated = custom && custom.feedback && typeof custom.feedback.answer_id === "string" ? { answerId: custom.feedback.answer_id } : null;
    var card = custom && custom.type === "pathway_recommendation";
    if (typeof data.text === "string" && data.text) {
      var sources = custom && custom.type === "answer" && Array.isArray(custom.sources) ? custom.sources : null;
      addMessage({ from: "bot", text: data.text, sources: sources, feedback: card ? null : rated });
    } else if (data.attachment && data.attachment.payload && data.attachment.payload.src) {
      addMessage({ from: "bot", text: String(data.attachment.payload.src) });
    }
    if (card) {
      addMessage({ from: "bot", card: Object.assign({ received: new Date().toISOString() }, custom), feedback: rated });
    }
    if (custom && custom.type === "not_recorded" && state.lastSent) {
      // A store was down: the message was not kept on the server; one click sends it again.
      state.quickReplies = [{ title: L.resend, payload: state.lastSent.payload, shown: state.lastSent.shown }];
      saveState();
      renderQuickReplies();
    }
    var buttons = data.quick_replies || data.buttons;
    if (Array.isArray(buttons) && buttons.length) {
      state.quickReplies = buttons
        .filter(function (b) { return b && b.title && b.payload; })
        .map(function (b) { return { title: String(b.title), payload: String(b.payload) }; });
      saveState();
      renderQuickReplies();
    }
  }

  function connect() {
    if (socket) return;
    if (typeof window.io !== "function") {
      setStatus("offline", L.disconnected);
      return;
    }
    setStatus("connecting", L.connecting);
    socket = window.io(CONFIG.rasaUrl, {
      path: CONFIG.socketPath,
      transports: ["websocket"], // no long polling: it breaks behind several workers
      // One message per utterance (text, quick replies, card): other clients get Rasa's shapes.
      auth: { message_format: "combined" },
      reconnection: true,
      reconnectionDelayMax: 5000,
    });
    socket.on("connect", function () {
      socket.emit("session_request", { session_id: state.sessionId });
    });
    socket.on("session_confirm", function (sessionId) {
      var isNew = sessionId !== state.sessionId;
      state.sessionId = sessionId;
      saveState();
      setStatus("online", everConnected ? L.reconnected : L.connected);
      everConnected = true;
      if (isNew && state.messages.length === 0) {
        // Opens the conversation on the server side, which sends the welcome.
        turns.push({ kind: "message" });
        socket.emit("user_uttered", { message: "/session_start", session_id: sessionId });
        setTyping(true);
      }
    });
    socket.on("bot_uttered", function (data) {
      if (!data || typeof data !== "object") return;
      if (turns.length && turns[0].kind === "feedback") feedbackReply(turns[0], data);
      else receive(data);
    });
    socket.on("bot_turn_end", function () {
      var turn = turns.shift();
      if (turn && turn.kind === "feedback") feedbackDone(turn);
      if (!turns.some(function (t) { return t.kind === "message"; })) setTyping(false);
    });
    socket.on("disconnect", function () {
      // The replies of the turns under way are lost: a rating can be sent again.
      turns.splice(0).forEach(function (turn) { if (turn.kind === "feedback") feedbackDone(turn); });
      setTyping(false);
      setStatus("offline", L.disconnected);
    });
    socket.on("connect_error", function () { setStatus("offline", L.disconnected); });
  }

  function resetConversation() {
    if (state.messages.length && !window.confirm(L.newConversationConfirm)) return;
    state = { sessionId: null, messages: [], quickReplies: [], open: true, ratings: {} };
    turns = [];
    saveState();
    els.log.textContent = "";
    renderQuickReplies();
    if (socket) {
      socket.emit("session_request", { session_id: null });
    }
    els.input.focus();
  }

  build();
  state.messages.forEach(renderMessage);
  renderQuickReplies();
  if (state.open) setOpen(true);
})();
