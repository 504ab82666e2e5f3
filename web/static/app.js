// Progressive enhancement only: every page works without this file.
// fetch() calls from later features read the CSRF token from the meta tag.
(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  window.guildhallCSRF = meta ? meta.getAttribute('content') : '';
})();
