// zhenggai: small conveniences only; every page works without this file.
(function () {
  // A form is sent once: the button is disabled after the first click.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    // A step that cannot be taken back asks first (a password reset ends the person's
    // sessions and tokens).
    var ask = form.getAttribute('data-confirm');
    if (ask && !window.confirm(ask)) {
      e.preventDefault();
      return;
    }
    // Attributes are read with getAttribute: a field named "method" or "action" (the
    // survey's 测评方式, every step's action) hides the form's own properties.
    if ((form.getAttribute('method') || '').toLowerCase() === 'post') {
      form.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
    }
  });
  // Buttons that print the page, links that go back: handled here because the
  // Content-Security-Policy allows no script written into a page.
  document.addEventListener('click', function (e) {
    var el = e.target.closest && e.target.closest('[data-print], [data-back]');
    if (!el) return;
    if (el.hasAttribute('data-print')) {
      e.preventDefault();
      window.print();
    } else if (window.history.length > 1) {
      e.preventDefault();
      window.history.back();
    }
  });
  // Filter selects apply at once.
  document.querySelectorAll('form.filters select').forEach(function (s) {
    s.addEventListener('change', function () { HTMLFormElement.prototype.submit.call(s.form); });
  });
})();
