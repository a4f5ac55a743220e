// A user's permission rows: each a registry (suggested from the server as its name is typed, so that ten
// thousand registries stay workable) and an access level from GET /permissions; rows are added and removed.
// Used by the "Create user" dialog and by "Edit attached registries".
import {api} from '../api.js';
import {h, replace} from '../dom.js';

/** How many registry names are suggested at once. */
const SUGGESTIONS = 20;

let accessLevels = null;

/** The access levels of GET /permissions ([{access, description}]), asked for once per page load. */
export function loadAccessLevels() {
  accessLevels ??= api.get('/permissions').then(answer => answer.results).catch(error => {
    accessLevels = null;
    throw error;
  });
  return accessLevels;
}

let editors = 0;

/**
 * The editor. levels: the access levels (loadAccessLevels()); permissions: the rows to start with.
 * Returns {element, value()}: value() gives [{registry, access}] or throws an Error that says which row is wrong.
 */
export function permissionsEditor({levels, permissions = []}) {
  const editor = ++editors;
  let rowCount = 0;
  const rows = h('div', {class: 'perm-rows'});
  const empty = h('p', {class: 'perm-empty hint'}, 'No registries: the user can sign in but can neither pull nor push.');
  const problem = h('div', {class: 'perm-problem', 'aria-live': 'polite'});

  const updateEmpty = () => {
    empty.hidden = rows.children.length > 0;
  };

  const addRow = (permission, focus) => {
    const id = `perm-${editor}-${++rowCount}`;
    const suggestions = h('datalist', {id: id + '-registries'});
    const registry = h('input', {
      type: 'text', class: 'perm-registry', list: suggestions.id, value: permission?.registry ?? '', autocomplete: 'off',
      spellcheck: false, autocapitalize: 'none', placeholder: 'Type to search registries', 'aria-label': 'Registry',
    });
    const access = h('select', {class: 'perm-access', 'aria-label': 'Access'},
        levels.map(level => h('option', {value: level.access, title: level.description,
          selected: level.access === (permission?.access ?? levels[0]?.access)}, level.access)));
    const row = h('div', {class: 'perm-row'}, registry, suggestions, access,
        h('button', {type: 'button', class: 'perm-remove', 'aria-label': 'Remove this registry', title: 'Remove', onClick: () => {
          row.remove();
          updateEmpty();
          rows.querySelector('.perm-registry')?.focus();
        }}, '✕'));
    row.registry = registry;
    row.access = access;
    suggest(registry, suggestions, problem);
    rows.append(row);
    updateEmpty();
    if (focus) {
      registry.focus();
    }
  };

  permissions.forEach(permission => addRow(permission, false));
  updateEmpty();

  const element = h('fieldset', {class: 'perm-editor'},
      h('legend', {}, 'Registries'),
      empty,
      rows,
      h('button', {type: 'button', class: 'perm-add', onClick: () => addRow(null, true)}, '+ Add registry'),
      problem,
      h('ul', {class: 'perm-levels hint'}, levels.map(level => h('li', {}, h('strong', {}, level.access), ': ', level.description))));

  const value = () => {
    const seen = new Set();
    return [...rows.children].map((row, index) => {
      const registry = row.registry.value.trim();
      row.registry.removeAttribute('aria-invalid');
      if (registry === '') {
        row.registry.setAttribute('aria-invalid', 'true');
        row.registry.focus();
        throw new Error(`Choose a registry in row ${index + 1}, or remove that row.`);
      }
      if (seen.has(registry)) {
        row.registry.setAttribute('aria-invalid', 'true');
        row.registry.focus();
        throw new Error(`Registry ${registry} is listed twice: give it one access level.`);
      }
      seen.add(registry);
      return {registry, access: row.access.value};
    });
  };

  return {element, value};
}

/** Fills the datalist with the registries whose name contains what is typed, asked from the server as the user types. */
function suggest(input, datalist, problem) {
  let timer;
  let asked = null;
  let generation = 0;
  const ask = async () => {
    const text = input.value.trim();
    if (text === asked) {
      return;
    }
    asked = text;
    const mine = ++generation;
    try {
      const answer = await api.get('/registries', {name: text, size: SUGGESTIONS});
      if (mine !== generation) {
        return;
      }
      replace(datalist, answer.results.map(registry => h('option', {value: registry.name})));
      replace(problem);
    } catch (error) {
      asked = null;
      if (mine === generation && error.status !== 401) {
        replace(problem, h('p', {class: 'error'}, 'Registry suggestions are not available: ' + error.message));
      }
    }
  };
  input.addEventListener('focus', () => ask());
  input.addEventListener('input', () => {
    input.removeAttribute('aria-invalid');
    clearTimeout(timer);
    timer = setTimeout(ask, 200);
  });
}
