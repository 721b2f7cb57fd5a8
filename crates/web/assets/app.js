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
  // 批量录入措施: a row more without leaving the page, and rows pasted from Excel or WPS
  // (tab between cells, a line a row) spread over the grid from the cell pasted into.
  document.querySelectorAll('form[data-grid]').forEach(function (grid) {
    var body = grid.querySelector('tbody');
    var addRow = function () {
      var rows = body.querySelectorAll('tr.grid-row');
      var last = rows[rows.length - 1];
      var max = parseInt(grid.querySelector('[data-add-row]').getAttribute('data-max'), 10) || 100;
      if (!last || rows.length >= max) return null;
      var next = rows.length;
      var row = last.cloneNode(true);
      row.setAttribute('data-row', String(next));
      row.classList.remove('failed');
      row.querySelector('th.num').lastChild.textContent = String(next + 1);
      row.querySelectorAll('.field-error').forEach(function (p) { p.remove(); });
      // A new row starts blank, but for the lead unit and leader of the row above.
      var before = last.querySelectorAll('[name]');
      row.querySelectorAll('[name]').forEach(function (el, k) {
        el.setAttribute('name', el.getAttribute('name').replace(/^rows\.\d+\./, 'rows.' + next + '.'));
        if (el.tagName !== 'SELECT') el.value = '';
        else if (el.multiple) Array.prototype.forEach.call(el.options, function (o) { o.selected = false; });
        else el.selectedIndex = before[k].selectedIndex;
      });
      body.appendChild(row);
      return row;
    };
    grid.querySelector('[data-add-row]').addEventListener('click', function (e) {
      e.preventDefault();
      var row = addRow();
      if (row) row.querySelector('[data-col]').focus();
    });
    var fill = function (el, text) {
      text = text.trim();
      if (el.tagName !== 'SELECT') { el.value = text; return; }
      var names = el.multiple ? text.split(/[、，,;；\s]+/) : [text];
      Array.prototype.forEach.call(el.options, function (o) {
        var hit = names.some(function (n) { return n && o.textContent.trim() === n; });
        if (el.multiple) o.selected = hit; else if (hit) o.selected = true;
      });
    };
    grid.addEventListener('paste', function (e) {
      var cell = e.target.closest && e.target.closest('[data-col]');
      var text = e.clipboardData && e.clipboardData.getData('text/plain');
      if (!cell || !text || !/[\t\n]/.test(text.replace(/\r?\n$/, ''))) return;
      e.preventDefault();
      var lines = text.replace(/\r/g, '').replace(/\n$/, '').split('\n');
      var tr = cell.closest('tr');
      var rows = Array.prototype.slice.call(body.querySelectorAll('tr.grid-row'));
      var r = rows.indexOf(tr);
      var c = Array.prototype.indexOf.call(tr.querySelectorAll('[data-col]'), cell);
      lines.forEach(function (line, k) {
        var row = body.querySelectorAll('tr.grid-row')[r + k] || addRow();
        if (!row) return;
        var cols = row.querySelectorAll('[data-col]');
        line.split('\t').forEach(function (v, j) { if (cols[c + j]) fill(cols[c + j], v); });
      });
    });
  });
})();
