/* WorkWall progressive enhancement. Every page works without this file.
 *
 * On small screens the filter panel of a list page starts collapsed (unless
 * filters are in use), so the results are what a person sees first. Without
 * JavaScript the panel simply stays open.
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
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", collapseFilters);
  } else {
    collapseFilters();
  }
})();
