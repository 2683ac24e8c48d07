/* KCStat Dash clientside functions: the browser's random id and the live feed's cheap check. */
(function () {
  function newBrowserId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  /* A random id kept in local storage: one "me too" per browser, and the asker's identity for
     the duplicate check and the rate limit. It is written before Dash starts (this file loads
     first), so the "browser-id" store already holds it when the first button can be pressed. */
  try {
    if (!window.localStorage.getItem("browser-id")) {
      window.localStorage.setItem("browser-id", JSON.stringify(newBrowserId()));
    }
  } catch (error) { /* storage blocked: the callback below keeps an id for this page view */ }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {kcstat: {
    ensureBrowserId: function (_timestamp, current) {
      return current ? window.dash_clientside.no_update : newBrowserId();
    },

    /* Asks only for the feed's version number; returns it when it changed, so that only then
       does the server rebuild the feed. Network errors are ignored: the next tick retries. */
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

    /* After a chart point is clicked, bring the ask form into view with the text box focused. */
    focusAskForm: function (clicks) {
      var box = document.getElementById("ask-text");
      if (box && clicks && clicks.some(Boolean)) {
        box.scrollIntoView({block: "center"});
        box.focus({preventScroll: true});
      }
      return window.dash_clientside.no_update;
    }
  }});
})();
