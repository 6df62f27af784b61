/* WorkWall progressive enhancement. Every page works without this file.
 *
 * On small screens the filter panel of a list page starts collapsed (unless
 * filters are in use), so the results are what a person sees first. Without
 * JavaScript the panel simply stays open.
 *
 * A form marked data-submit-once (every form that moves money) is sent once: a
 * second click or Enter while the first request runs does nothing, and the button
 * shows that it is working. The server guards against repeats too (the form's
 * single-use token); this only spares people the second request.
 */
(function () {
  "use strict";
  var small = window.matchMedia("(max-width: 1000px)");
  function collapseFilters() {
    if (!small.matches) {
      return;
    }
    var panels = document.querySelectorAll("details.filters-toggle[data-collapse-small]");
    for (var i = 0; i < panels.length; i += 1) {
      panels[i].open = false;
    }
  }

  function submitOnce(event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) {
      return;
    }
    if (form.getAttribute("data-submitted") === "true") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitted", "true");
    // aria-disabled rather than disabled: a disabled submitter would drop its
    // name and value (confirm=yes) from the request being sent.
    var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
    for (var i = 0; i < buttons.length; i += 1) {
      buttons[i].setAttribute("aria-disabled", "true");
    }
    var submitter = event.submitter;
    if (submitter && submitter.classList) {
      submitter.classList.add("is-busy");
    }
  }

  // Back to a page kept in the back-forward cache: its forms can be used again.
  function releaseForms(event) {
    if (!event.persisted) {
      return;
    }
    var forms = document.querySelectorAll("form[data-submitted]");
    for (var i = 0; i < forms.length; i += 1) {
      forms[i].removeAttribute("data-submitted");
      var buttons = forms[i].querySelectorAll("[aria-disabled=true]");
      for (var j = 0; j < buttons.length; j += 1) {
        buttons[j].removeAttribute("aria-disabled");
        buttons[j].classList.remove("is-busy");
      }
    }
  }

  document.addEventListener("submit", submitOnce);
  window.addEventListener("pageshow", releaseForms);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", collapseFilters);
  } else {
    collapseFilters();
  }
})();
