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
      // A disabled button sends no value: the one clicked keeps it in a hidden field
      // (保存草稿 or 定稿 on one form).
      var by = e.submitter;
      if (by && by.name) {
        var kept = document.createElement('input');
        kept.type = 'hidden';
        kept.name = by.name;
        kept.value = by.value;
        form.appendChild(kept);
      }
      var buttons = form.querySelectorAll('button');
      buttons.forEach(function (b) { b.disabled = true; });
      // A form answered with a file (a document to download) leaves the page where it
      // is: its button comes back for the next document.
      if (form.hasAttribute('data-download')) {
        setTimeout(function () { buttons.forEach(function (b) { b.disabled = false; }); }, 3000);
      }
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
  // On a phone each table row is a card (app.css): every cell carries its column's
  // heading in data-label, found by walking the row and the cells spanning into it from
  // rows above (the ledger's problem cell spans all its measures).
  function labelCells(table) {
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) return;
    var names = [];
    Array.prototype.forEach.call(head.cells, function (c) {
      for (var k = 0; k < c.colSpan; k++) names.push(c.textContent.trim());
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var covered = []; // rows each column is still taken by a cell from above
      Array.prototype.forEach.call(body.rows, function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          while (covered[col] > 0) col++;
          if (cell.colSpan === 1 && names[col] && !cell.hasAttribute('data-label')) {
            cell.setAttribute('data-label', names[col]);
          }
          for (var k = 0; k < cell.colSpan; k++) covered[col + k] = Math.max(cell.rowSpan, 1);
          col += cell.colSpan;
        });
        for (var j = 0; j < covered.length; j++) if (covered[j] > 0) covered[j]--;
      });
    });
  }
  document.querySelectorAll('main table').forEach(labelCells);
  // A table too wide for the screen scrolls inside its own box: it says so, and can be
  // reached and scrolled by keyboard.
  var scrollHint = document.body.getAttribute('data-scroll-hint');
  function markWideTables() {
    document.querySelectorAll('main table').forEach(function (table) {
      var wide = table.scrollWidth > table.clientWidth + 1 &&
        window.getComputedStyle(table).overflowX !== 'visible';
      var note = table.previousElementSibling;
      if (!(note && note.classList.contains('scroll-hint'))) {
        if (!wide || !scrollHint) return;
        note = document.createElement('p');
        note.className = 'hint scroll-hint';
        note.textContent = scrollHint;
        table.parentNode.insertBefore(note, table);
      }
      note.hidden = !wide;
      if (wide) table.setAttribute('tabindex', '0');
      else table.removeAttribute('tabindex');
    });
  }
  markWideTables();
  var resizing = false;
  window.addEventListener('resize', function () {
    if (resizing) return;
    resizing = true;
    window.requestAnimationFrame(function () { resizing = false; markWideTables(); });
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
