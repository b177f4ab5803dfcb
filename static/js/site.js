// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

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

  // An action re-renders the discussion; the replies its reader had folded stay folded.
  var folded = [];
  document.addEventListener("htmx:beforeSwap", function () {
    folded = Array.prototype.map.call(
      document.querySelectorAll("details.replies-fold:not([open])"),
      function (fold) {
        return fold.id;
      }
    );
  });
  document.addEventListener("htmx:afterSwap", function () {
    folded.forEach(function (id) {
      var fold = id && document.getElementById(id);
      if (fold) {
        fold.open = false;
      }
    });
  });

  function enhance(root) {
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
