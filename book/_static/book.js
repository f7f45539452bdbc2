// Course book: opened straight from the disk (file://), a page may not fetch another page, so
// Sphinx's search would log an error per result while it fetches the summary text below each hit.
// There, list the hits without summaries; served over http(s), keep them.
if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
  DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
}
