/* KCStat Dash clientside functions: the live feed's cheap check. (The browser's id is not made
   here: the server issues it, signed, in an HttpOnly cookie; kcstat_dash/web/browser_ids.py.) */
(function () {
  /* Ids made up in a browser before the server issued them; no longer read, so removed. */
  try { window.localStorage.removeItem("browser-id"); } catch (error) { /* storage blocked */ }

  /* The meeting or ask page's ids by name ({feed, feedSummary, roomPanel, meetingState,
     feedVersion, feedPoll, myVotes, upvote, upvoteCount, askText}), or null on every other page. The page
     names them: JSON in its root's data-meeting-ids attribute, from layouts/ids/meeting.py
     (FOR_SCRIPT), so no id is spelled here. */
  function pageIds() {
    var root = document.querySelector("[data-meeting-ids]");
    return root ? JSON.parse(root.getAttribute("data-meeting-ids")) : null;
  }

  /* The projector's words in the page's language ({pageNote: "Page {page} of {pages} of the
     top {total}"}), from its root's data-projector-words attribute (layouts/projector.py): the
     catalog is the server's, so no word is spelled here. */
  function projectorWords() {
    var root = document.querySelector("[data-projector-words]");
    return root ? JSON.parse(root.getAttribute("data-projector-words")) :
      {pageNote: "{page} / {pages}"};
  }

  /* This page's latest list of "me too" votes. A poll sent before a vote may be answered after
     it: marking with the list as it is when the answer arrives keeps the new vote shown. */
  var latestVotes = [];
  var feedPoll = {running: false, next: null};
  /* The order of the feed drawn: the page's own (its feed's data-order), then that of each
     feed a poll brings. */
  var shownOrder = null;

  function drawnOrder(ids) {
    if (shownOrder === null) {
      var feed = document.getElementById(ids.feed);
      shownOrder = feed ? feed.getAttribute("data-order") : null;
    }
    return shownOrder;
  }
  /* The meeting's state this page last drew (null: as the page arrived). */
  var shownState = null;

  function markVotes(node, pressed, upvote) {
    if (Array.isArray(node)) {
      return node.map(function (child) { return markVotes(child, pressed, upvote); });
    }
    if (!node || typeof node !== "object" || !node.props) { return node; }
    var id = node.props.id;
    if (id && id.type === upvote && latestVotes.indexOf(id.id) !== -1 && pressed[id.id]) {
      return pressed[id.id];
    }
    if (node.props.children !== undefined) {
      node.props.children = markVotes(node.props.children, pressed, upvote);
    }
    return node;
  }

  /* The questions this page shows, in its order: the id of each "Me too" button in the feed
     (Dash writes a dict id as JSON in the element's id attribute). */
  function shownQuestions(ids) {
    var feed = document.getElementById(ids.feed);
    var shown = [];
    if (!feed) { return shown; }
    feed.querySelectorAll("button[id^='{']").forEach(function (button) {
      try {
        var id = JSON.parse(button.id);
        if (id.type === ids.upvote) { shown.push({id: id.id, button: button}); }
      } catch (error) { /* not one of ours */ }
    });
    return shown;
  }

  /* A counts-only answer ([[question id, count shown, button's name], ...] in the feed's
     order, and the words added to the name of a pressed button): rewrite the counts that
     changed. Returns false when the page's questions or their order are not the answer's (a
     question moved up under "top", or one was added meanwhile), or a vote of this browser's is
     not drawn as pressed yet: then the page needs the whole feed. */
  function applyCounts(counts, votedSuffix, ids, set) {
    var shown = shownQuestions(ids);
    if (shown.length !== counts.length) { return false; }
    for (var i = 0; i < counts.length; i++) {
      if (shown[i].id !== counts[i][0]) { return false; }
      /* A vote of this browser's not yet drawn as pressed: the feed brings the pressed button. */
      if (latestVotes.indexOf(shown[i].id) !== -1 &&
          shown[i].button.getAttribute("aria-pressed") !== "true") { return false; }
    }
    counts.forEach(function (entry, i) {
      var current = shown[i].button.querySelector(".upvote-count");
      if (current && current.textContent === entry[1]) { return; }
      var pressed = shown[i].button.getAttribute("aria-pressed") === "true";
      set({type: ids.upvoteCount, id: entry[0]}, {children: entry[1]});
      set({type: ids.upvote, id: entry[0]},
          {"aria-label": entry[2] + (pressed ? votedSuffix || "" : "")});
    });
    return true;
  }

  /* A poll that has not been answered by then is given up, so that one lost request cannot
     stop this page's polling for good (the next tick asks again). */
  var POLL_TIMEOUT_MS = 10000;

  function runFeedPoll(request) {
    feedPoll.running = true;
    var ids = request.ids;
    var set = window.dash_clientside.set_props;
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, POLL_TIMEOUT_MS);
    fetch("/api/meetings/" + encodeURIComponent(request.meetingId) + "/version?known=" +
          request.known + "&order=" + encodeURIComponent(request.order),
          {cache: "no-store", headers: {Accept: "application/json"}, signal: abort.signal})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) { return; }
        var needFeed = false;
        if (body.counts) { needFeed = !applyCounts(body.counts, body.voted_suffix, ids, set); }
        if (body.feed) {
          set(ids.feed, {children: markVotes(body.feed.children, body.feed.voted || {},
                                             ids.upvote)});
          shownOrder = request.order;
          set(ids.feedSummary, {children: body.feed.summary});
          if (body.feed.room) { set(ids.roomPanel, {children: body.feed.room}); }
        }
        /* The meeting's state: when questions close or open, or the meeting ends, the page's
           store changes and the server redraws the form and the badge (callbacks/meeting.py). */
        var shown = shownState || request.state || {};
        if (body.status && (body.status !== shown.status || body.open !== shown.open)) {
          shownState = {status: body.status, open: body.open};
          set(ids.meetingState, {data: shownState});
        }
        if (needFeed) {
          /* Keep the version shown and ask for the whole feed as soon as this poll ends. */
          if (!feedPoll.next) { feedPoll.next = Object.assign({}, request, {known: -1}); }
        } else if (body.version !== request.known) {
          set(ids.feedVersion, {data: body.version});
        }
      })
      .catch(function () { /* the next tick retries */ })
      .then(function () {
        clearTimeout(timer);
        feedPoll.running = false;
        var next = feedPoll.next;
        feedPoll.next = null;
        if (next) { runFeedPoll(next); }
      });
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {kcstat: {
    /* The projector's poll: asks only for the feed's version number and returns it when it
       changed, so that only then does the server redraw the projector. Network errors are
       ignored: the next tick retries. (The meeting and ask pages use pollFeed below, alone:
       a second poll writing their version would skip the feed that version brought.) */
    pollFeedVersion: async function (_ticks, meetingId, known) {
      var noUpdate = window.dash_clientside.no_update;
      if (!meetingId) { return noUpdate; }
      try {
        var response = await fetch("/api/meetings/" + meetingId + "/version",
                                   {cache: "no-store", headers: {Accept: "application/json"}});
        if (!response.ok) { return noUpdate; }
        var body = await response.json();
        return body.version === known ? noUpdate : body.version;
      } catch (error) {
        return noUpdate;
      }
    },

    /* The meeting and ask pages' poll: each tick sends the version the page shows, and the
       answer carries the rebuilt feed only when that changed (kcstat_dash/web/live_feed/poll.py),
       or only the new counts when nothing but "me too" votes changed. A new
       order, or a "me too" just counted, asks for the feed at once (known=-1). The feed comes
       as Dash components with, beside it, the pressed look of each question's button, which
       is swapped in where this browser has voted.

       One poll at a time, and its answer is applied with set_props when it arrives rather
       than returned: on a slow connection (or a busy server) an answer can take longer than a
       tick, and Dash drops the result of a callback that was called again meanwhile, so a
       returned feed could be dropped tick after tick. A tick during a poll is skipped; a
       request for the feed during a poll is made as soon as the poll ends. Network errors
       wait for the next tick. */
    pollFeed: function (_ticks, order, myVotes, meetingId, known, state) {
      var noUpdate = window.dash_clientside.no_update;
      if (Array.isArray(myVotes)) { latestVotes = myVotes; }
      var ids = pageIds();
      if (!meetingId || !ids) { return noUpdate; }
      var triggers = (window.dash_clientside.callback_context.triggered || [])
        .map(function (t) { return t.prop_id; });
      var ticked = triggers.indexOf(ids.feedPoll + ".n_intervals") !== -1;
      // On load Dash calls this with no trigger, or with the votes read from local storage.
      var pageLoad = !triggers.length || triggers[0] === "." ||
        triggers.every(function (t) { return t === ids.myVotes + ".data"; });
      /* The order asked for is not the one drawn: a change of order made before the page's
         callbacks were ready (it arrives as the page load's call), or whose request was lost
         (the ticks after it would otherwise ask only whether the version changed). */
      var wanted = order || "newest";
      var reorder = drawnOrder(ids) !== null && drawnOrder(ids) !== wanted;
      // The page arrived with the feed drawn; it needs redrawing only to mark this browser's votes.
      if (pageLoad && !latestVotes.length && !reorder) { return noUpdate; }
      /* A vote of this browser's (its list changed) needs the feed, to mark the button as
         pressed, even when the timer ticked at the same moment: a counts-only answer would
         bring the count but not the pressed button. */
      var votesChanged = triggers.indexOf(ids.myVotes + ".data") !== -1;
      var request = {meetingId: meetingId, order: wanted, state: state, ids: ids,
                     known: (ticked && !votesChanged && !reorder && known !== null &&
                             known !== undefined) ? known : -1};
      if (feedPoll.running) {
        if (request.known === -1) { feedPoll.next = request; }
        return noUpdate;
      }
      runFeedPoll(request);
      return noUpdate;
    },

    /* The projector shows its top questions a page at a time: each tick shows the next page
       (all are drawn by the server; this only hides all but one). */
    rotateProjector: function (ticks, ids) {
      var count = (ids || []).length;
      var noUpdate = window.dash_clientside.no_update;
      if (count < 2) { return [(ids || []).map(function () { return noUpdate; }), noUpdate]; }
      var shown = (ticks || 0) % count;
      var total = document.querySelectorAll(".projector-feed > li").length;
      return [ids.map(function (_id, i) { return i !== shown; }),
              projectorWords().pageNote.replace("{page}", String(shown + 1))
                .replace("{pages}", String(count)).replace("{total}", String(total))];
    },

    /* After a chart point is clicked, bring the ask form into view with the text box focused. */
    focusAskForm: function (clicks) {
      var ids = pageIds();
      var box = ids && document.getElementById(ids.askText);
      if (box && clicks && clicks.some(Boolean)) {
        box.scrollIntoView({block: "center"});
        box.focus({preventScroll: true});
      }
      return window.dash_clientside.no_update;
    }
  }});
})();
