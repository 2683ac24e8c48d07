/* The moderators' queue (/moderate) in the browser: choosing a question, and keyboard
   shortcuts (j/k move between questions, a approve, r reject, h hide, n write an answer, p pin,
   x select for a bulk action; typing in a field never triggers them). Nothing on other pages.
   The page names the ids this script needs: JSON in its root's data-moderation-ids attribute,
   from layouts/ids/moderate.py (FOR_SCRIPT), so no id is spelled here. */
(function () {
  "use strict";

  /* An Open button's click chooses its question, here rather than on the server. The queue is
     redrawn whenever it changes (a new question in a busy meeting), and a redraw fires this
     callback again for the new buttons; had it gone to the server, Dash would have dropped the
     click's answer still on its way in favour of the redraw's "no change", losing the click.
     Choosing only names a question: what the moderator may see of it, the detail, is still
     checked and read on the server (callbacks/moderate.py).
     An answer typed but not saved is not dropped silently: the question to open waits, and the
     page asks (its draft confirmation) until the moderator discards the draft or keeps it.
     Returns [chosen question, waiting question, confirmation hidden, its question]. */
  window.dash_clientside = Object.assign({}, window.dash_clientside, {kcstatModeration: {
    chooseQuestion: function (opens, discards, keeps, currentId, waiting, answer, saved) {
      var no = window.dash_clientside.no_update;
      var ids = pageIds() || {};
      var clicked = (window.dash_clientside.callback_context.triggered || [])
        .filter(function (t) { return t.value; })[0];
      if (!clicked) { return [no, no, no, no]; }
      var source = clicked.prop_id.slice(0, clicked.prop_id.lastIndexOf("."));
      if (source === ids.keepDraft) {
        mark(currentId);
        return [no, null, true, no];
      }
      if (source === ids.discardDraft) {
        if (waiting === null || waiting === undefined) { return [no, null, true, no]; }
        mark(waiting);
        return [waiting, null, true, no];
      }
      var qid = JSON.parse(source).qid;
      if (qid === currentId) { return [no, null, true, no]; }
      var draft = (answer || "").trim();
      if (currentId !== null && currentId !== undefined && draft && draft !== (saved || "").trim()) {
        mark(currentId);  // the question on screen stays the chosen one until answered
        return [no, qid, false, "Your answer to #" + currentId + " is not saved. " +
          "Discard it and open #" + qid + "?"];
      }
      return [qid, null, true, no];
    }
  }});

  function mark(qid) {
    chosenId = qid === null || qid === undefined ? null : String(qid);
    items().forEach(function (el) {
      el.classList.toggle("is-current", el.getAttribute("data-qid") === chosenId);
    });
  }

  /* A confirmation (a draft about to be dropped, a meeting going live or ending) takes the
     keyboard's focus when it appears, on its first button; Escape answers no. */
  function watchConfirmations() {
    var ids = pageIds();
    if (!ids) { return; }
    [ids.draftConfirm, ids.stepConfirm].forEach(function (id) {
      var box = document.getElementById(id);
      if (!box || box.getAttribute("data-watched")) { return; }
      box.setAttribute("data-watched", "1");
      new MutationObserver(function () {
        if (!box.hidden) {
          var first = box.querySelector("button");
          if (first) { first.focus(); }
        }
      }).observe(box, {attributes: true, attributeFilter: ["hidden"]});
    });
  }
  new MutationObserver(watchConfirmations).observe(document.documentElement,
                                                   {childList: true, subtree: true});

  // The moderation page's ids by name ({approve, reject, hide, pin, answerText}), or null on
  // every other page (and on the sign-in prompt a visitor who may not moderate sees).
  function pageIds() {
    var root = document.querySelector("[data-moderation-ids]");
    return root ? JSON.parse(root.getAttribute("data-moderation-ids")) : null;
  }

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll(".mod-queue-list .queue-item"));
  }

  // The chosen question's id survives the queue being re-rendered by a poll.
  var chosenId = null;

  function current() {
    return document.querySelector(".mod-queue-list .queue-item.is-current") ||
      (chosenId && document.querySelector('.mod-queue-list .queue-item[data-qid="' + chosenId + '"]'));
  }

  function choose(item) {
    if (!item) { return; }
    items().forEach(function (el) { el.classList.remove("is-current"); });
    item.classList.add("is-current");
    chosenId = item.getAttribute("data-qid");
    var open = item.querySelector(".mod-open");
    if (open) { open.click(); open.focus(); }
    item.scrollIntoView({block: "nearest"});
  }

  function move(step) {
    var all = items();
    if (!all.length) { return; }
    var index = all.indexOf(current());
    var next = index < 0 ? (step > 0 ? 0 : all.length - 1) : index + step;
    choose(all[Math.max(0, Math.min(all.length - 1, next))]);
  }

  function click(id) {
    var button = document.getElementById(id);
    if (button && !button.disabled) { button.click(); }
  }

  document.addEventListener("click", function (event) {
    var open = event.target.closest && event.target.closest(".mod-open");
    if (!open) { return; }
    mark(open.closest(".queue-item").getAttribute("data-qid"));
  });

  document.addEventListener("keydown", function (event) {
    var ids = pageIds();
    if (!ids) { return; }
    if (event.key === "Escape") {
      var asked = [[ids.draftConfirm, ids.keepDraft], [ids.stepConfirm, ids.cancelStep]]
        .filter(function (pair) {
          var box = document.getElementById(pair[0]);
          return box && !box.hidden;
        })[0];
      if (asked) { event.preventDefault(); click(asked[1]); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) {
      return;
    }
    var actions = {
      j: function () { move(1); },
      k: function () { move(-1); },
      a: function () { click(ids.approve); },
      r: function () { click(ids.reject); },
      h: function () { click(ids.hide); },
      p: function () { click(ids.pin); },
      n: function () { var box = document.getElementById(ids.answerText); if (box) { box.focus(); } },
      x: function () {
        var item = current();
        var box = item && item.querySelector(".mod-select input, input.mod-select");
        if (box) { box.click(); }
      }
    };
    var action = actions[event.key];
    if (action) { event.preventDefault(); action(); }
  });
})();
