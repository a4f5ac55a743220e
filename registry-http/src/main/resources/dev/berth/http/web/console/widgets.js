// The pieces every screen is made of: tables with selection, server-side paging, search, dialogs (with the typed
// confirmation the seeds' portals use for deletes), secrets shown once with a copy button, usage bars, errors.
import {append, formatBytes, h, replace} from './dom.js';

/** The page size of every list: the server pages, the console shows one page at a time. */
export const PAGE_SIZE = 20;

/** A readable error from an API failure, shown next to what caused it. */
export function errorMessage(error) {
  const text = error?.message || 'Something went wrong.';
  return h('p', {class: 'error', role: 'alert'}, text, error?.code && error.code !== 'NETWORK' ? h('span', {class: 'code'}, ' (' + error.code + ')') : null);
}

/** A short message at the bottom of the screen, which disappears by itself. */
export function notify(message) {
  // An open modal dialog sits in the top layer, above everything else in the page: put the notice inside it.
  const host = document.querySelector('dialog[open]') ?? document.body;
  let region = host.querySelector(':scope > .notices');
  if (!region) {
    region = h('div', {class: 'notices', role: 'status', 'aria-live': 'polite'});
    host.append(region);
  }
  const notice = h('div', {class: 'notice'}, message);
  region.append(notice);
  setTimeout(() => notice.remove(), 4000);
}

/**
 * A table. columns: [{title, render(row) -> node|text, class}]; selection: {key(row), selected: Set, onChange()}
 * adds a checkbox column for group actions.
 */
export function table({columns, rows, empty, selection, label}) {
  if (rows.length === 0) {
    return h('p', {class: 'empty'}, empty ?? 'Nothing here yet.');
  }
  const head = h('tr', {}, selection ? h('th', {class: 'select'}, selectAll(rows, selection)) : null,
      columns.map(column => h('th', {class: column.class, scope: 'col'}, column.title)));
  const body = rows.map(row => h('tr', {},
      selection ? h('td', {class: 'select'}, h('input', {
        type: 'checkbox', 'aria-label': 'Select ' + selection.key(row), checked: selection.selected.has(selection.key(row)),
        onChange: event => {
          event.target.checked ? selection.selected.add(selection.key(row)) : selection.selected.delete(selection.key(row));
          selection.onChange();
        },
      })) : null,
      columns.map(column => h('td', {class: column.class, dataset: {label: column.title}}, column.render(row)))));
  return h('div', {class: 'table-wrap'}, h('table', {'aria-label': label}, h('thead', {}, head), h('tbody', {}, body)));
}

function selectAll(rows, selection) {
  const keys = rows.map(selection.key);
  return h('input', {
    type: 'checkbox', 'aria-label': 'Select all on this page', checked: keys.length > 0 && keys.every(k => selection.selected.has(k)),
    onChange: event => {
      keys.forEach(k => event.target.checked ? selection.selected.add(k) : selection.selected.delete(k));
      event.target.closest('table').querySelectorAll('tbody td.select input').forEach(box => box.checked = event.target.checked);
      selection.onChange();
    },
  });
}

/**
 * One page of a server listing, {count, results}, from get(query) with query = the filters and state.page. A
 * page past the end (its last items deleted meanwhile) turns into the last page, and state.page follows.
 */
export async function fetchPage(get, filters, state) {
  let answer = await get({...filters, page: state.page, size: PAGE_SIZE});
  if (answer.results.length === 0 && state.page > 1 && answer.count > 0) {
    state.page = Math.ceil(answer.count / PAGE_SIZE);
    answer = await get({...filters, page: state.page, size: PAGE_SIZE});
  }
  return answer;
}

/** "1–20 of 143" with previous and next; onPage(page) loads another page from the server. */
export function pager({count, page, size = PAGE_SIZE, onPage}) {
  const pages = Math.max(1, Math.ceil(count / size));
  if (count <= size && page === 1) {
    return h('p', {class: 'pager'}, count + (count === 1 ? ' item' : ' items'));
  }
  const first = (page - 1) * size + 1;
  const last = Math.min(count, page * size);
  return h('nav', {class: 'pager', 'aria-label': 'Pages'},
      h('button', {type: 'button', disabled: page <= 1, onClick: () => onPage(page - 1)}, '‹ Previous'),
      h('span', {}, `${first}–${last} of ${count} (page ${page} of ${pages})`),
      h('button', {type: 'button', disabled: page >= pages, onClick: () => onPage(page + 1)}, 'Next ›'));
}

/** A search field that calls onSearch(text) once the user pauses typing. */
export function searchBox({value, placeholder, label, onSearch}) {
  let timer;
  return h('input', {
    type: 'search', class: 'search', value: value ?? '', placeholder, 'aria-label': label ?? placeholder,
    onInput: event => {
      clearTimeout(timer);
      timer = setTimeout(() => onSearch(event.target.value.trim()), 250);
    },
  });
}

/** A labelled form field; hint is a sentence under it. */
export function field(label, input, hint) {
  const id = input.id || ('f-' + Math.random().toString(36).slice(2, 9));
  input.id = id;
  return h('div', {class: 'field'}, h('label', {for: id}, label), input, hint ? h('p', {class: 'hint'}, hint) : null);
}

/**
 * A modal dialog. content: nodes; actions: [{label, kind: 'primary'|'danger'|undefined, onClick(close, errorSlot)}].
 * An action's onClick may be async: the buttons are disabled meanwhile and a failure is shown in the dialog.
 * Returns {close, element}.
 */
export function dialog({title, content, actions, onClose}) {
  const errorSlot = h('div', {class: 'dialog-error'});
  const element = h('dialog', {class: 'dialog', 'aria-label': title});
  const close = () => {
    element.close();
    element.remove();
    onClose?.();
  };
  const buttons = actions.map(action => h('button', {
    type: action.submit ? 'submit' : 'button', class: action.kind ?? '', disabled: action.disabled, dataset: {action: action.label},
    onClick: async event => {
      event.preventDefault();
      replace(errorSlot);
      const all = element.querySelectorAll('.dialog-actions button');
      all.forEach(b => b.disabled = true);
      try {
        await action.onClick(close, errorSlot);
      } catch (error) {
        replace(errorSlot, errorMessage(error));
      } finally {
        all.forEach(b => b.disabled = b.dataset.keepDisabled === 'true');
      }
    },
  }, action.label));
  const form = h('form', {method: 'dialog', onSubmit: event => event.preventDefault()},
      h('h2', {}, title), h('div', {class: 'dialog-body'}, content), errorSlot,
      h('div', {class: 'dialog-actions'}, buttons, h('button', {type: 'button', onClick: close}, 'Cancel')));
  element.append(form);
  element.addEventListener('cancel', event => {
    event.preventDefault();
    close();
  });
  document.body.append(element);
  element.showModal();
  return {close, element};
}

/**
 * A delete that cannot be undone: the action stays disabled until the user types the word (as Gcore's portal
 * asks for "Delete"). Runs perform() when confirmed; failures are shown in the dialog.
 */
export function confirmTyped({title, message, word = 'Delete', actionLabel = 'Delete', perform}) {
  const input = h('input', {type: 'text', autocomplete: 'off', spellcheck: false, 'aria-label': `Type ${word} to confirm`});
  const {element} = dialog({
    title,
    content: [h('p', {}, message), field(`Type “${word}” to confirm`, input)],
    actions: [{label: actionLabel, kind: 'danger', disabled: true, onClick: async close => {
      await perform();
      close();
    }}],
  });
  const button = element.querySelector(`button[data-action="${CSS.escape(actionLabel)}"]`);
  button.dataset.keepDisabled = 'true';
  input.addEventListener('input', () => {
    button.disabled = input.value !== word;
    button.dataset.keepDisabled = String(input.value !== word);
  });
  input.focus();
}

/** A yes/no question before an action; perform() runs on yes. */
export function confirmAction({title, message, actionLabel, kind = 'primary', perform}) {
  dialog({title, content: [h('p', {}, message)], actions: [{label: actionLabel, kind, onClick: async close => {
    await perform();
    close();
  }}]});
}

/**
 * A list's group delete: the count of what is selected and its "Delete selected" button (bar), the typed
 * confirmation, the call, and what could not be deleted, shown in outcome. selected is the Set the list's
 * checkboxes fill; nouns are [one, many]; intro leads the confirmation's list of what goes; label(key) names a
 * key to a person; remove(keys) answers the API's {deleted, failed}; failedKey(failure) is the key of a failure;
 * after() runs once something may have gone. update() after the selection changes; forget(key) after one item
 * was deleted on its own.
 */
export function groupDelete({selected, nouns, intro, label = key => key, remove, failedKey, after}) {
  const noun = n => n === 1 ? nouns[0] : nouns[1];
  const count = h('span', {class: 'selected-count'});
  const outcome = h('div', {class: 'group-outcome'});
  const update = () => {
    count.textContent = selected.size === 0 ? '' : selected.size + ' selected';
    button.disabled = selected.size === 0;
  };
  const confirm = () => {
    const keys = [...selected];
    confirmTyped({
      title: `Delete ${keys.length} ${noun(keys.length)}`,
      message: [intro, h('span', {class: 'name-list'},
          keys.slice(0, 10).map(label).join(', ') + (keys.length > 10 ? ` and ${keys.length - 10} more` : '')),
        '. This cannot be undone.'],
      perform: async () => {
        const answer = await remove(keys);
        selected.clear();
        answer.failed.forEach(failure => selected.add(failedKey(failure)));
        update();
        replace(outcome, failureList(noun(answer.deleted.length), answer.deleted, answer.failed, f => label(failedKey(f))));
        if (answer.deleted.length > 0) {
          notify(`${answer.deleted.length} ${noun(answer.deleted.length)} deleted.`);
        }
        after();
      },
    });
  };
  const button = h('button', {type: 'button', class: 'danger', disabled: true, onClick: confirm}, 'Delete selected');
  return {
    bar: h('div', {class: 'group-actions'}, count, button),
    outcome,
    update,
    forget: key => {
      selected.delete(key);
      update();
      replace(outcome);
    },
  };
}

/** The outcome of a group delete that failed in part: how many went, and each failure with its reason. */
function failureList(noun, deleted, failed, nameOf) {
  if (failed.length === 0) {
    return null;
  }
  return h('div', {class: 'error group-failures', role: 'alert'},
      h('p', {}, `${deleted.length} ${noun} deleted; ${failed.length} could not be deleted:`),
      h('ul', {}, failed.map(f => h('li', {}, h('code', {}, nameOf(f)), ': ', f.error))));
}

/** Copies text to the clipboard; where the Clipboard API is not offered (plain HTTP to another host), selects it. */
export function copyButton(text, label = 'Copy') {
  const button = h('button', {type: 'button', class: 'copy', onClick: async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      const source = button.parentElement?.querySelector('input, code');
      if (source instanceof HTMLInputElement) {
        source.select();
      } else if (source) {
        window.getSelection().selectAllChildren(source);
      }
      button.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => button.textContent = label, 2000);
  }}, label);
  return button;
}

/** A command or value shown in full with its copy button. */
export function copyable(text, {label} = {}) {
  return h('div', {class: 'copyable'}, h('code', {'aria-label': label}, text), copyButton(text));
}

/** A new secret, shown this once, with its copy button and the warning that it will not be shown again. */
export function showSecret({title, userName, secret, onClose}) {
  const input = h('input', {type: 'text', readOnly: true, value: secret, class: 'secret', 'aria-label': 'Secret', spellcheck: false});
  dialog({
    title,
    content: [
      h('p', {}, 'User name: ', h('code', {class: 'user-name'}, userName)),
      h('div', {class: 'copyable'}, input, copyButton(secret, 'Copy secret')),
      h('p', {class: 'warning', role: 'note'}, 'Copy the secret now: it will not be shown again. If it is lost, refresh it to get a new one.'),
    ],
    actions: [{label: 'Done', kind: 'primary', onClick: close => close()}],
    onClose,
  });
  input.select();
}

/** Used against limit as a bar, amber from 85%, red when full; no limit shows the usage alone. */
export function usageBar(used, limit) {
  if (limit === null || limit === undefined) {
    return h('div', {class: 'usage'}, h('span', {}, formatBytes(used) + ' used, no limit'));
  }
  const percent = limit > 0 ? Math.min(100, used / limit * 100) : 100;
  const level = percent >= 100 ? 'full' : percent >= 85 ? 'warn' : 'ok';
  const fill = h('div', {class: 'fill'});
  fill.style.width = percent.toFixed(1) + '%';
  return h('div', {class: 'usage ' + level, title: `${percent.toFixed(1)}% of the limit`},
      h('div', {class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': percent.toFixed(0)}, fill),
      h('span', {}, `${formatBytes(used)} of ${formatBytes(limit)}`));
}

/** A row's action menu (a <details> disclosure: opens and closes without script). */
export function rowMenu(label, items) {
  const menu = h('details', {class: 'menu'}, h('summary', {'aria-label': label}, 'Actions'),
      h('div', {class: 'menu-items'}, items.map(item => h('button', {
        type: 'button', class: item.kind ?? '', onClick: () => {
          menu.open = false;
          Promise.resolve().then(item.onClick).catch(error => notify(error.message || 'Something went wrong.'));
        },
      }, item.label))));
  return menu;
}

/** A page heading with its actions beside it. */
export function heading(title, ...actions) {
  return h('div', {class: 'heading'}, h('h1', {}, title), h('div', {class: 'actions'}, actions));
}

/** A status badge. */
export function badge(text, kind) {
  return h('span', {class: 'badge ' + (kind ?? text.toLowerCase())}, text);
}

/** Renders a list screen's async content into slot, with a loading state and errors shown in place. */
export async function load(slot, loader) {
  replace(slot, h('p', {class: 'loading'}, 'Loading…'));
  try {
    append(replace(slot), await loader());
  } catch (error) {
    replace(slot, errorMessage(error));
  }
}
