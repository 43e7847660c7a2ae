// Saves an audit section as the person goes (the audit's section pages). Without
// JavaScript nothing is lost: the page's Save buttons post the same form.
//
// Each change posts the whole form with the version the page showed (`base_version`),
// marked as an autosave. The server answers with the section's new version, which the
// form then sends next time. If someone else saved the section in between, the server
// refuses (409) and nothing is written: autosave stops and the person is asked to press
// Save, which shows both versions side by side to choose from.
(function () {
  "use strict";

  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) {
    return;
  }
  var status = document.getElementById("autosave-status");
  var version = form.querySelector("input[name=base_version]");
  var stopped = false;
  var pending = false;
  var inFlight = false;
  var timer = null;
  // A Save pressed while an autosave is on its way waits for it, so that it sends the
  // version that autosave made (and is not refused as stale by the person's own save).
  var submitAfter = null;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function save() {
    if (stopped) {
      return;
    }
    if (inFlight) {
      pending = true;
      return;
    }
    timer = null;
    inFlight = true;
    var data = new FormData(form);
    data.set("then", "autosave");
    fetch(form.action || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Autosave": "1" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { status: response.status, body: body };
        });
      })
      .then(function (result) {
        if (result.status === 200) {
          version.value = result.body.version;
          say(result.body.message);
        } else {
          if (result.status === 409) {
            stopped = true;
          }
          say(result.body.message);
        }
      })
      .catch(function () {
        say("Not saved automatically. Select Save to save your changes.");
      })
      .finally(function () {
        inFlight = false;
        if (submitAfter) {
          var submitter = submitAfter;
          submitAfter = null;
          pending = false;
          form.requestSubmit(submitter);
        } else if (pending) {
          pending = false;
          save();
        }
      });
  }

  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 400);
  });

  form.addEventListener("submit", function (event) {
    // Changes not yet autosaved go with this submission.
    window.clearTimeout(timer);
    if (inFlight) {
      event.preventDefault();
      submitAfter = event.submitter || form.querySelector("button[type=submit]");
    }
  });
})();
