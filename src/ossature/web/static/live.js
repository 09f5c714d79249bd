// Live updates of the pages that show projects (decision 61). No inline script: the page
// says where to ask with data attributes on #live, and marks the regions to refresh with
// data-live-refresh (a URL; data-live-entity limits it to one project).
//
// It connects with mqtt.js over WebSocket to the server's listener, as the signed-in user:
// /session/push-token answers the user's own access token, tenant, account, topic and the
// listener's URL. The broker drops the connection when the token expires; it then asks for
// a fresh token and connects again. Each notification refreshes the regions by an htmx GET
// (no reload) and shows a toast the server renders in the user's language.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || typeof mqtt === "undefined" || typeof htmx === "undefined") {
    return;
  }
  var attempt = 0;
  var client = null;

  function state(name) {
    live.setAttribute("data-live-state", name);
  }

  function withParam(url, name, value) {
    return url + (url.indexOf("?") < 0 ? "?" : "&") + name + "=" + encodeURIComponent(value);
  }

  function refresh(entityId) {
    var regions = document.querySelectorAll("[data-live-refresh]");
    regions.forEach(function (region) {
      var only = region.getAttribute("data-live-entity");
      if (only && entityId && only !== entityId) {
        return;
      }
      var url = region.getAttribute("data-live-refresh");
      if (entityId) {
        url = withParam(url, "fresh", entityId);
      }
      // Each region is its own source: htmx keeps one request queued per source, and a
      // shared one (the body) would drop all but the last region's.
      htmx.ajax("GET", url, {
        source: region,
        target: "#" + region.id,
        select: "#" + region.id,
        swap: "outerHTML",
      });
    });
  }

  function toast(notification) {
    var url = withParam(live.getAttribute("data-toast-url"), "key", notification.messageKey);
    url = withParam(url, "params", JSON.stringify(notification.params || {}));
    // Fetched, not htmx.ajax: htmx keeps one queued request per source, and every toast counts.
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        if (html) {
          htmx.swap("#toasts", html, { swapStyle: "beforeend" });
        }
      });
  }

  function received(topic, payload) {
    var notification;
    try {
      notification = JSON.parse(new TextDecoder().decode(payload));
    } catch (error) {
      return;
    }
    var entity = notification.entity || {};
    if (entity.type === "project") {
      refresh(entity.id);
    }
    toast(notification);
  }

  function later() {
    // Backoff: 1, 2, 4 ... 30 s, reset once connected.
    var delay = Math.min(30000, 1000 * Math.pow(2, attempt));
    attempt += 1;
    state("waiting");
    window.setTimeout(connect, delay);
  }

  function connect() {
    state("connecting");
    fetch(live.getAttribute("data-token-url"), {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (response.status === 401) {
          state("signed-out");
          return null;
        }
        if (!response.ok) {
          throw new Error("push token: " + response.status);
        }
        return response.json();
      })
      .then(function (found) {
        if (found && found.websocketUrl) {
          open(found);
        } else if (found) {
          state("unavailable");
        }
      })
      .catch(later);
  }

  function open(found) {
    var suffix = Math.random().toString(16).slice(2, 14);
    var reconnected = attempt > 0;
    client = mqtt.connect(found.websocketUrl, {
      username: found.tenantId,
      password: found.token,
      clientId: found.accountId + "-web-" + suffix,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10000,
      keepalive: 30,
      timerVariant: "native", // no Worker from a blob: the CSP allows only our own scripts
    });
    client.on("connect", function () {
      // The user's own topic, and what is told to everyone (the changelog's new entries).
      var topics = [found.topic].concat(found.broadcasts || []);
      client.subscribe(topics, { qos: 0 }, function (error) {
        if (error) {
          client.end(true);
          return;
        }
        attempt = 0;
        live.hidden = !document.querySelector("[data-live-refresh]"); // a page that follows changes says so
        state("connected");
        if (reconnected) {
          refresh(null); // QoS 0: what came while away was lost; show the current state
        }
      });
    });
    client.on("message", received);
    client.on("close", function () {
      var dropped = client;
      client = null;
      if (dropped) {
        dropped.removeAllListeners();
        dropped.end(true);
      }
      later();
    });
    client.on("error", function () {
      // "close" follows and reconnects with a fresh token.
    });
  }

  window.addEventListener("pagehide", function () {
    if (client) {
      var closing = client;
      client = null;
      closing.removeAllListeners();
      closing.end(true);
    }
  });

  connect();
})();
