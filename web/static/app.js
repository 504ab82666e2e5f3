// Progressive enhancement only: every page works without this file.
(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute('content') : '';
  window.guildhallCSRF = csrf;

  // Follow, favourite and like buttons: the form posts without JavaScript;
  // with it, the API is called and the button flips without a reload. The
  // form's data-count names the counter to move (its data-testid).
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.classList || !form.classList.contains('toggle') || !window.fetch) return;
    e.preventDefault();
    // html/template reads data-on as an event handler and writes " true ".
    var on = form.getAttribute('data-on').trim() === 'true';
    var button = form.querySelector('button');
    button.disabled = true;
    fetch(form.getAttribute('data-api'), {
      method: on ? 'DELETE' : 'POST',
      headers: { 'X-CSRF-Token': csrf },
      credentials: 'same-origin'
    }).then(function (res) {
      if (res.status === 401) { window.location = '/signin?next=' + encodeURIComponent(location.pathname); return; }
      if (!res.ok) { form.submit(); return; }
      on = !on;
      form.setAttribute('data-on', String(on));
      form.querySelector('input[name="on"]').value = on ? '0' : '1';
      button.textContent = button.getAttribute(on ? 'data-label-on' : 'data-label-off');
      var count = form.getAttribute('data-count') || (form.getAttribute('data-api').indexOf('/follow') > 0 ? 'followers' : 'favorites');
      var counter = document.querySelector('[data-testid="' + count + '"]');
      if (counter) counter.textContent = String(Math.max(0, parseInt(counter.textContent, 10) + (on ? 1 : -1)));
    }).catch(function () { form.submit(); })
      .then(function () { button.disabled = false; });
  });
})();

// Suggestions as you type in the search box, into its <datalist>.
(function () {
  var input = document.querySelector('input[list="suggestions"]');
  var list = document.getElementById('suggestions');
  if (!input || !list || !window.fetch) return;
  var timer, last = '';
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q === last || q === '') return;
      last = q;
      var type = (input.form && input.form.type) ? input.form.type.value : 'works';
      fetch('/api/v1/search/suggest?type=' + encodeURIComponent(type) + '&q=' + encodeURIComponent(q))
        .then(function (res) { return res.ok ? res.json() : { items: [] }; })
        .then(function (data) {
          list.innerHTML = '';
          (data.items || []).forEach(function (s) {
            var o = document.createElement('option');
            o.value = s;
            list.appendChild(o);
          });
        }).catch(function () {});
    }, 150);
  });
})();

// The bell's unread count, live: the server sends an "unread" event when
// the count changes. Without EventSource the count is the page's own.
(function () {
  var badge = document.querySelector('[data-testid="unread-count"]');
  if (!badge || !window.EventSource) return;
  var stream = new EventSource('/api/v1/notifications/stream');
  stream.addEventListener('unread', function (e) {
    var n;
    try { n = JSON.parse(e.data).unread; } catch (err) { return; }
    if (typeof n !== 'number') return;
    badge.textContent = String(n);
    if (n > 0) badge.classList.add('unread'); else badge.classList.remove('unread');
  });
  window.addEventListener('pagehide', function () { stream.close(); });
})();
