// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Deep replies: a link to the thread's own page works without JavaScript;
  // with it, the link becomes a toggle that collapses or expands the replies in place.
  function setUpThreadToggles(root) {
    root.querySelectorAll("[data-thread-toggle]").forEach(function (toggle) {
      if (toggle.dataset.enhanced) {
        return;
      }
      var target = document.getElementById(toggle.getAttribute("aria-controls") || "");
      if (!target) {
        return;
      }
      toggle.dataset.enhanced = "true";
      toggle.setAttribute("role", "button");
      var collapsed = toggle.getAttribute("data-collapsed") === "true";
      var render = function () {
        target.hidden = collapsed;
        toggle.setAttribute("aria-expanded", String(!collapsed));
        toggle.textContent = collapsed
          ? toggle.getAttribute("data-label-expand") || "Show replies"
          : toggle.getAttribute("data-label-collapse") || "Hide replies";
      };
      var flip = function (event) {
        event.preventDefault();
        collapsed = !collapsed;
        render();
      };
      toggle.addEventListener("click", flip);
      toggle.addEventListener("keydown", function (event) {
        if (event.key === " ") {
          flip(event);
        }
      });
      render();
    });
  }

  // Filter selects submit their form on change when the form asks for it.
  function setUpAutoSubmit(root) {
    root.querySelectorAll("form[data-auto-submit] select").forEach(function (select) {
      if (select.dataset.enhanced) {
        return;
      }
      select.dataset.enhanced = "true";
      select.addEventListener("change", function () {
        select.form.requestSubmit();
      });
    });
  }

  function enhance(root) {
    setUpThreadToggles(root);
    setUpAutoSubmit(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
  });
  // Content swapped in by htmx gets the same treatment.
  document.addEventListener("htmx:load", function (event) {
    enhance(event.target);
  });
})();
