// zhenggai: small conveniences only; every page works without this file.
(function () {
  // A form is sent once: the button is disabled after the first click.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (form.method && form.method.toLowerCase() === 'post') {
      form.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
    }
  });
  // Filter selects apply at once.
  document.querySelectorAll('form.filters select').forEach(function (s) {
    s.addEventListener('change', function () { s.form.submit(); });
  });
})();
