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
    if (form.method && form.method.toLowerCase() === 'post') {
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
    s.addEventListener('change', function () { s.form.submit(); });
  });
})();
