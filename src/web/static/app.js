// Live pages: on a change notice from /live, fetch this page's changing part again and swap it in.
(function () {
  'use strict';
  if (!document.body.hasAttribute('data-live') || !window.EventSource) return;
  var part = document.querySelector('[data-fragment]');
  if (!part) return;
  var pending = false;
  var inflight = false;
  function refresh() {
    if (inflight) {
      pending = true;
      return;
    }
    inflight = true;
    var url = new URL(window.location.href);
    url.searchParams.set('fragment', '1');
    fetch(url.toString(), { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (r) {
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (html === null) return;
        var tpl = document.createElement('template');
        tpl.innerHTML = html;
        var next = tpl.content.querySelector('[data-fragment]');
        var current = document.querySelector('[data-fragment]');
        if (!next || !current) return;
        var log = current.querySelector('pre.log');
        var atBottom = log && log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
        current.replaceWith(next);
        var newLog = next.querySelector('pre.log');
        if (newLog && atBottom) newLog.scrollTop = newLog.scrollHeight;
        document.dispatchEvent(new CustomEvent('sluice:updated'));
      })
      .catch(function () {})
      .then(function () {
        inflight = false;
        if (pending) {
          pending = false;
          refresh();
        }
      });
  }
  var source = new EventSource('/live');
  source.addEventListener('change', refresh);
})();
