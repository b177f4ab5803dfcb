// Annotations of an option's text: highlights drawn with @recogito/text-annotator on
// every .annotatable field, the site's own note form (htmx) opened on a selection, and
// the side panel (filters, jump to passage, notes shown on hover or focus).
(function () {
  "use strict";

  const panel = document.getElementById("annotation-panel");
  if (!panel || !window.RecogitoJS) return;

  const canAnnotate = panel.dataset.canAnnotate === "true";
  const popover = document.getElementById("annotation-popover");
  const annotators = {}; // field -> {annotator, base, element, drawn}
  const known = {}; // annotation id -> W3C annotation from the server
  let pending = null; // {field, id, settled} of the selection waiting for its note

  const COLOURS = { shared: "#f2c200", private: "#4a90d9", mine: "#e07b00" };

  function style(annotation) {
    const data = known[annotation.id];
    if (!data) return { fill: "#0080ff", fillOpacity: 0.25 };
    const colour = data.visibility === "private" ? COLOURS.private : data.mine ? COLOURS.mine : COLOURS.shared;
    return { fill: colour, fillOpacity: 0.3, underlineColor: colour, underlineThickness: 2 };
  }

  function selectors(data) {
    const target = data.target.selector;
    const quote = target.find((s) => s.type === "TextQuoteSelector");
    const position = target.find((s) => s.type === "TextPositionSelector");
    return { exact: quote.exact, start: position.start, end: position.end };
  }

  function toNative(data, base) {
    const s = selectors(data);
    return {
      id: data.id,
      bodies: [],
      target: { annotation: data.id, selector: [{ quote: s.exact, start: s.start + base, end: s.end + base }] },
    };
  }

  // Each field's drawn annotations; the annotator is given the whole list each time
  // (its setAnnotations revives the text ranges from the offsets).
  function draw(items) {
    const touched = new Set();
    items.forEach((data) => {
      known[data.id] = data;
      const entry = annotators[data.field];
      if (!entry || data.orphaned) return;
      entry.drawn = entry.drawn.filter((a) => a.id !== data.id);
      entry.drawn.push(toNative(data, entry.base));
      touched.add(entry);
    });
    touched.forEach(redraw);
  }

  function redraw(entry) {
    entry.annotator.setAnnotations(entry.drawn, true);
  }

  function undraw(id) {
    const data = known[id];
    delete known[id];
    const entry = data && annotators[data.field];
    if (!entry) return;
    entry.drawn = entry.drawn.filter((a) => a.id !== id);
    redraw(entry);
  }

  function itemFor(id) {
    return document.getElementById(id);
  }

  function showNotes(ids) {
    if (!popover) return;
    popover.replaceChildren();
    ids.forEach((id) => {
      const item = itemFor(id);
      if (!item) return;
      const copy = item.querySelector("article").cloneNode(true);
      copy.querySelectorAll("form, details, .annotation-actions, [id]").forEach((node) => {
        if (node.matches("form, details, .annotation-actions")) node.remove();
        else node.removeAttribute("id");
      });
      popover.appendChild(copy);
      item.classList.add("is-active");
    });
    popover.hidden = popover.childElementCount === 0;
  }

  function hideNotes() {
    if (!popover) return;
    popover.hidden = true;
    popover.replaceChildren();
    document.querySelectorAll(".annotation-item.is-active").forEach((item) => item.classList.remove("is-active"));
  }

  function context(text, start, end) {
    return { prefix: text.slice(Math.max(0, start - 32), start), suffix: text.slice(end, end + 32) };
  }

  function form() {
    return document.getElementById("annotation-form");
  }

  function cancelPending() {
    // The annotator drops an unsaved selection itself once it loses focus.
    if (pending && annotators[pending.field]) {
      const state = annotators[pending.field].annotator.state;
      if (state.store.getAnnotation(pending.id)) annotators[pending.field].annotator.removeAnnotation(pending.id);
    }
    pending = null;
  }

  function openForm(field, annotation, focus) {
    const entry = annotators[field];
    const noteForm = form();
    if (!entry || !noteForm) return;
    const selector = annotation.target.selector[0];
    const text = entry.element.textContent;
    const start = selector.start - entry.base;
    const end = selector.end - entry.base;
    if (pending && pending.id !== annotation.id) cancelPending();
    if (!pending) pending = { field: field, id: annotation.id, settled: false };
    const around = context(text, selector.start, selector.end);
    const values = { field: field, start: start, end: end, exact: selector.quote, prefix: around.prefix, suffix: around.suffix };
    Object.entries(values).forEach(([name, value]) => {
      noteForm.querySelector(`[name="${name}"]`).value = value;
    });
    noteForm.querySelector("#annotation-form-quote").textContent = selector.quote;
    noteForm.querySelectorAll(".errorlist").forEach((node) => node.remove());
    noteForm.hidden = false;
    if (focus) noteForm.querySelector("textarea").focus({ preventScroll: true });
  }

  let shiftHeld = false;
  let pointerHeld = false;
  function selecting() {
    return shiftHeld || pointerHeld;
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Shift") shiftHeld = true;
  });
  document.addEventListener("keyup", (event) => {
    if (event.key === "Shift") shiftHeld = false;
  });
  document.addEventListener("pointerdown", () => (pointerHeld = true));
  document.addEventListener("pointerup", () => (pointerHeld = false));
  window.addEventListener("blur", () => (shiftHeld = pointerHeld = false));

  function resetForm() {
    const noteForm = form();
    if (!noteForm) return;
    noteForm.reset();
    noteForm.querySelectorAll(".errorlist").forEach((node) => node.remove());
    noteForm.hidden = true;
  }

  function build(field, element) {
    const annotator = window.RecogitoJS.createTextAnnotator(element, {
      annotatingEnabled: canAnnotate,
      renderer: "SPANS",
      style: style,
    });
    // The annotator reports a selection while it is being made and again a little after;
    // the form shows it at once and takes the focus only once the selection is settled.
    annotator.on("createAnnotation", (annotation) => {
      if (known[annotation.id] || (pending && pending.id === annotation.id && pending.settled)) return;
      openForm(field, annotation, false);
      settleSoon();
    });
    annotator.on("updateAnnotation", (annotation) => {
      if (!pending || pending.id !== annotation.id || pending.settled) return;
      openForm(field, annotation, false);
      settleSoon();
    });
    annotator.on("mouseEnterAnnotation", (annotation) => showNotes([annotation.id]));
    annotator.on("mouseLeaveAnnotation", hideNotes);
    annotator.on("selectionChanged", (selected) => {
      const saved = selected.map((a) => a.id).filter((id) => known[id]);
      if (saved.length) showNotes(saved);
    });
    return annotator;
  }

  // Highlights take the keyboard focus, as they take the pointer: the first piece of each
  // passage is a tab stop that shows its notes, and Enter moves to the note in the panel.
  // The annotator redraws its layer whenever it likes, so the pieces are marked each time.
  function focusableHighlights(element) {
    const layer = element.querySelector(".r6o-span-highlight-layer");
    if (!layer) return;
    let focusedId = null;
    const mark = () => {
      const seen = new Set();
      layer.querySelectorAll(".r6o-annotation").forEach((span) => {
        const id = span.dataset.annotation;
        if (seen.has(id) || !known[id]) return;
        seen.add(id);
        span.tabIndex = 0;
        span.setAttribute("role", "button");
        span.setAttribute("aria-label", `Notes on “${selectors(known[id]).exact.slice(0, 80)}”`);
      });
      // A redraw replaces the pieces; the reader keeps their place.
      if (focusedId && (document.activeElement === document.body || !document.activeElement)) {
        const again = layer.querySelector(`.r6o-annotation[data-annotation="${CSS.escape(focusedId)}"]`);
        if (again) again.focus({ preventScroll: true });
      }
    };
    new MutationObserver(mark).observe(layer, { childList: true });
    mark();
    layer.addEventListener("focusin", (event) => {
      focusedId = event.target.dataset.annotation || null;
      if (focusedId) showNotes([focusedId]);
    });
    layer.addEventListener("focusout", (event) => {
      if (event.relatedTarget && layer.contains(event.relatedTarget)) return;
      if (event.relatedTarget) focusedId = null;
      hideNotes();
    });
    layer.addEventListener("keydown", (event) => {
      const id = event.target.dataset && event.target.dataset.annotation;
      if (!id || (event.key !== "Enter" && event.key !== " ")) return;
      event.preventDefault();
      const item = itemFor(id);
      const link = item && item.querySelector("a, button");
      if (link) link.focus();
    });
  }

  function setUp(data) {
    document.querySelectorAll(".annotatable[data-field]").forEach((element) => {
      const field = element.dataset.field;
      const info = data.fields[field];
      if (!info) return;
      // The offsets are over the field's text; the element may add whitespace around it.
      const found = info.text ? element.textContent.indexOf(info.text) : 0;
      annotators[field] = {
        field: field,
        annotator: build(field, element),
        base: Math.max(0, found),
        element: element,
        drawn: [],
      };
    });
    draw(data.annotations);
    Object.values(annotators).forEach((entry) => focusableHighlights(entry.element));
    panel.dataset.ready = "true";
  }

  // Settle on the selection as it is once the mouse button and Shift are released;
  // focusing the note field ends the page's selection, so it comes last.
  let settleTimer = null;
  function settleSoon() {
    clearTimeout(settleTimer);
    settleTimer = setTimeout(refreshPending, 150);
  }

  // The field holding the whole of the page's selection, if one does.
  function selectedField(selection) {
    if (!selection || !selection.rangeCount || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    return (
      Object.keys(annotators).find((field) => {
        const element = annotators[field].element;
        return element.contains(range.startContainer) && element.contains(range.endContainer);
      }) || null
    );
  }

  function refreshPending() {
    if (selecting()) return;
    const selection = window.getSelection();
    if (!pending && canAnnotate) {
      // A selection the annotator did not report (it may miss one made from the caret).
      const field = selectedField(selection);
      if (field) pending = { field: field, id: `selection-${Date.now()}`, settled: false };
    }
    if (!pending || pending.settled || !annotators[pending.field]) return;
    pending.settled = true;
    const entry = annotators[pending.field];
    if (selection && selection.rangeCount && !selection.isCollapsed) {
      const range = selection.getRangeAt(0);
      if (entry.element.contains(range.startContainer) && entry.element.contains(range.endContainer)) {
        const before = document.createRange();
        before.setStart(entry.element, 0);
        before.setEnd(range.startContainer, range.startOffset);
        const start = before.toString().length;
        const quote = range.toString();
        openForm(pending.field, { id: pending.id, target: { selector: [{ quote: quote, start: start, end: start + quote.length }] } }, true);
        return;
      }
    }
    const current = entry.annotator.state.store.getAnnotation(pending.id);
    if (current) openForm(pending.field, current, true);
  }
  ["pointerup", "keyup"].forEach((type) =>
    document.addEventListener(type, (event) => {
      if (!(event.target instanceof Element && event.target.closest("#annotation-form"))) settleSoon();
    })
  );

  function jumpTo(id) {
    const data = known[id];
    if (!data) return false;
    const entry = annotators[data.field];
    if (!entry || data.orphaned) return false;
    const s = selectors(data);
    const range = rangeAt(entry.element, s.start + entry.base, s.end + entry.base);
    if (!range) return false;
    const box = range.getBoundingClientRect();
    window.scrollBy({ top: box.top - window.innerHeight / 3, behavior: "instant" });
    showNotes([id]);
    return true;
  }

  // A DOM range over characters [start, end) of the element's text, highlights skipped.
  function rangeAt(element, start, end) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) =>
        node.parentElement && node.parentElement.closest(".r6o-span-highlight-layer")
          ? NodeFilter.FILTER_REJECT
          : NodeFilter.FILTER_ACCEPT,
    });
    const range = document.createRange();
    let seen = 0;
    let started = false;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const next = seen + node.data.length;
      if (!started && start < next) {
        range.setStart(node, start - seen);
        started = true;
      }
      if (started && end <= next) {
        range.setEnd(node, end - seen);
        return range;
      }
      seen = next;
    }
    return null;
  }

  // The panel: jump to a passage, notes on focus, client-side filters.
  panel.addEventListener("click", (event) => {
    const jump = event.target.closest("[data-annotation-jump]");
    if (jump && jumpTo(jump.dataset.annotationJump)) {
      event.preventDefault();
      return;
    }
    if (event.target.closest("[data-annotation-cancel]")) {
      cancelPending();
      resetForm();
      window.getSelection().removeAllRanges();
      return;
    }
    const filter = event.target.closest("[data-annotation-filter], [data-annotation-tag]");
    if (filter) {
      event.preventDefault();
      applyFilter(filter);
    }
  });
  panel.addEventListener("focusin", (event) => {
    const jump = event.target.closest("[data-annotation-jump]");
    if (jump) showNotes([jump.dataset.annotationJump]);
  });

  function applyFilter(link) {
    const mode = link.dataset.annotationFilter;
    const tag = link.dataset.annotationTag;
    panel.querySelectorAll(".annotation-filters a").forEach((a) => a.removeAttribute("aria-current"));
    link.setAttribute("aria-current", "true");
    panel.querySelectorAll(".annotation-item").forEach((item) => {
      let show = true;
      if (mode === "mine") show = item.dataset.mine === "true";
      else if (mode === "shared") show = item.dataset.visibility === "shared";
      else if (mode === "private") show = item.dataset.visibility === "private";
      else if (mode === "orphaned") show = item.dataset.orphaned === "true";
      if (tag) show = item.dataset.tags.split(",").includes(tag);
      item.hidden = !show;
    });
  }

  // The note form answers 422 with its errors: show them instead of dropping them.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.body.addEventListener("htmx:afterSwap", () => {
    const noteForm = form();
    if (noteForm && pending) noteForm.hidden = false;
    const empty = document.getElementById("annotation-empty");
    if (empty && panel.querySelector("#annotation-list .annotation-item")) empty.remove();
  });
  document.body.addEventListener("annotation-saved", (event) => {
    cancelPending();
    resetForm();
    draw([event.detail.annotation]);
  });
  document.body.addEventListener("annotation-deleted", (event) => {
    undraw(event.detail.id);
    hideNotes();
  });

  fetch(panel.dataset.jsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then(setUp)
    .catch((error) => {
      panel.dataset.ready = "error";
      console.error("Could not load the annotations", error);
    });
})();
