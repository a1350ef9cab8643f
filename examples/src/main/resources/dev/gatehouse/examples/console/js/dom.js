// Building the page without ever parsing a string as HTML: every value from the API becomes a
// text node. The Content-Security-Policy enforces Trusted Types, so assigning markup to an element
// anywhere would throw; this module is the only way the console creates elements.

let nextId = 0;

/** A unique element id with a readable prefix. */
export function uid(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/**
 * h('button', {type: 'button', class: 'link', on: {click: f}}, 'Text', otherNode)
 * Attributes are set with setAttribute (never an on* attribute); properties such as value,
 * checked, disabled, hidden go through `props`. Children that are strings become text nodes.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === 'on') {
      for (const [event, handler] of Object.entries(value)) {
        el.addEventListener(event, handler);
      }
    } else if (name === 'props') {
      Object.assign(el, value);
    } else if (name.toLowerCase().startsWith('on')) {
      throw new Error(`refusing inline handler attribute ${name}`);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Appends children: nodes as they are, strings and numbers as text, arrays flattened. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces all children of `parent`. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/**
 * A labelled form control with its hint and its error line, wired with aria-describedby.
 * Returns {row, input, setError(message)}.
 */
export function field({label, input, hint, id}) {
  const inputId = id || input.id || uid('f');
  input.id = inputId;
  const errorId = `${inputId}-error`;
  const described = [];
  const row = h('div', {class: 'field'}, h('label', {for: inputId}, label));
  if (hint) {
    const hintId = `${inputId}-hint`;
    described.push(hintId);
    row.append(h('p', {class: 'hint', id: hintId}, hint));
  }
  row.append(input);
  const error = h('p', {class: 'field-error', id: errorId, hidden: true});
  row.append(error);
  described.push(errorId);
  input.setAttribute('aria-describedby', described.join(' '));
  return {row, input, setError: (message) => showError(input, error, message)};
}

function showError(input, error, message) {
  if (message) {
    error.textContent = message;
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
  } else {
    error.textContent = '';
    error.hidden = true;
    input.removeAttribute('aria-invalid');
  }
}

/** A group of radio buttons in a fieldset with a legend. Returns {group, value(), inputs, setError}. */
export function radios({legend, name, options, checked, hint}) {
  const errorId = uid('radios-error');
  const error = h('p', {class: 'field-error', id: errorId, hidden: true});
  const inputs = [];
  const items = options.map(([value, label, description]) => {
    const id = uid(name);
    const input = h('input', {type: 'radio', name, id, value, checked: value === checked});
    inputs.push(input);
    const descId = description ? `${id}-desc` : null;
    if (descId) {
      input.setAttribute('aria-describedby', descId);
    }
    return h('div', {class: 'radio'}, input, h('label', {for: id}, label),
      description ? h('span', {class: 'hint', id: descId}, description) : null);
  });
  const group = h('fieldset', {class: 'radios', 'aria-describedby': errorId}, h('legend', {}, legend),
    hint ? h('p', {class: 'hint'}, hint) : null, items, error);
  return {
    group,
    inputs,
    value: () => (inputs.find((i) => i.checked) || {}).value,
    setError: (message) => {
      error.textContent = message || '';
      error.hidden = !message;
    },
  };
}

/** A `<select>` from [value, label] pairs. */
export function select(options, selected) {
  return h('select', {}, options.map(([value, label]) => h('option', {value, selected: value === selected}, label)));
}

/**
 * A status line for a form: progress while `run` works, then the outcome in words.
 * Returns {node, run(label, fn), error(message), ok(message), clear()}.
 */
export function status() {
  const text = h('span', {class: 'status-text'});
  const progress = h('progress', {class: 'progress', hidden: true, 'aria-label': 'Working'});
  const node = h('p', {class: 'status', role: 'status', 'aria-live': 'polite'}, progress, text);
  const set = (kind, message) => {
    node.className = `status ${kind}`;
    text.textContent = message || '';
  };
  return {
    node,
    clear: () => set('', ''),
    ok: (message) => set('ok', message),
    error: (message) => set('error', message),
    /** Disables `controls`, shows progress and `label`, awaits `fn()`; always re-enables. */
    async run(label, controls, fn) {
      controls.forEach((c) => { c.disabled = true; });
      progress.hidden = false;
      node.setAttribute('aria-busy', 'true');
      set('busy', label);
      try {
        return await fn();
      } finally {
        progress.hidden = true;
        node.removeAttribute('aria-busy');
        controls.forEach((c) => { c.disabled = false; });
        if (node.classList.contains('busy')) {
          set('', '');
        }
      }
    },
  };
}

/**
 * Opens a modal dialog. `build(close)` returns its content; `onClose` runs however it closes
 * (button, Escape) and the dialog is removed from the page. Returns {dialog, close}.
 */
export function openDialog({title, build, onClose, className}) {
  const titleId = uid('dialog-title');
  const dialog = h('dialog', {'aria-labelledby': titleId, class: className});
  const close = () => {
    if (dialog.open) {
      dialog.close();
    }
  };
  dialog.addEventListener('close', () => {
    try {
      if (onClose) {
        onClose();
      }
    } finally {
      dialog.replaceChildren();
      dialog.remove();
    }
  });
  append(dialog, [h('h2', {id: titleId}, title), build(close)]);
  document.body.append(dialog);
  dialog.showModal();
  return {dialog, close};
}

/** Asks to confirm something irreversible; resolves true only on the confirm button. */
export function confirmAction({title, message, confirmLabel}) {
  return new Promise((resolve) => {
    let confirmed = false;
    openDialog({
      title,
      onClose: () => resolve(confirmed),
      build: (close) => h('form', {class: 'dialog-form', on: {submit: (e) => { e.preventDefault(); confirmed = true; close(); }}},
        h('p', {}, message),
        h('div', {class: 'actions'},
          h('button', {type: 'button', class: 'secondary', autofocus: true, on: {click: close}}, 'Cancel'),
          h('button', {type: 'submit', class: 'danger'}, confirmLabel))),
    });
  });
}

/**
 * A button that copies `getText()` to the clipboard and says so; where the clipboard is not
 * available it selects `target` so that the user can press Ctrl+C.
 */
export function copyButton({getText, target, label}) {
  const said = h('span', {class: 'copy-status', role: 'status', 'aria-live': 'polite'});
  const button = h('button', {type: 'button', class: 'secondary copy', on: {click: async () => {
    const text = getText();
    if (text === null || text === undefined) {
      return;
    }
    try {
      await navigator.clipboard.writeText(text);
      said.textContent = 'Copied';
    } catch (e) {
      if (target) {
        const range = document.createRange();
        range.selectNodeContents(target);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      }
      said.textContent = 'Selected: press Ctrl+C to copy';
    }
  }}}, label || 'Copy');
  return h('span', {class: 'copy-wrap'}, button, said);
}

/** "2025-01-31 14:05" in local time, inside a <time> that keeps the exact instant. */
export function time(iso, empty) {
  if (!iso) {
    return h('span', {class: 'muted'}, empty || 'never');
  }
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  const text = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return h('time', {datetime: iso, title: iso}, text);
}

/**
 * A table that becomes a list of cards on narrow screens: each cell carries its column's name
 * for the CSS to show. `rows` are arrays of cells (nodes or strings).
 */
export function table({caption, columns, rows}) {
  return h('div', {class: 'table-wrap'},
    h('table', {class: 'cards'},
      h('caption', {class: 'visually-hidden'}, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', {scope: 'col'}, c)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell, i) => h('td', {'data-label': columns[i]}, cell)))))));
}

/** An empty-list message that says what to do next. */
export function empty(message) {
  return h('p', {class: 'empty'}, message);
}

/** A heading that receives focus when its view opens, so keyboard and screen-reader users land there. */
export function viewHeading(text) {
  return h('h1', {tabindex: '-1', class: 'view-title'}, text);
}
