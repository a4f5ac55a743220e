// Users: the robot credentials for docker login (vCR's "Repository users", Gcore's "Users"), with search, a
// status filter and paging; create (the secret shown once), edit, attach registries, refresh the secret,
// disable or enable, delete one or several.
import {api} from '../api.js';
import {formatTime, h, replace, segment, time} from '../dom.js';
import {
  badge, confirmAction, confirmTyped, dialog, errorMessage, fetchPage, field, heading, notify, pager, rowMenu,
  searchBox, showSecret, table
} from '../widgets.js';
import {loadAccessLevels, permissionsEditor} from './permissions-editor.js';

/** The server's rule for user names (the docker login name); "admin" is the admin token's. */
const NAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;
const MAX_DAYS = 36500;
const STATUSES = [['', 'All statuses'], ['enabled', 'Enabled'], ['disabled', 'Disabled'], ['expired', 'Expired']];

export function usersScreen(main) {
  const state = {name: '', status: '', page: 1};
  /** The selected users, id -> name, kept across pages and searches. */
  const selected = new Map();
  const list = h('div', {class: 'list'});
  const groupBar = h('div', {class: 'group-actions users-group', hidden: true});
  let rows = [];
  let generation = 0;

  const selection = {
    key: user => user.id,
    selected: {
      has: id => selected.has(id),
      add: id => selected.set(id, rows.find(user => user.id === id)?.name ?? id),
      delete: id => selected.delete(id),
    },
    onChange: () => syncSelection(),
  };

  /** Brings the checkboxes and the group bar in line with the selection (without rebuilding the table). */
  const syncSelection = () => {
    const boxes = list.querySelectorAll('tbody td.select input');
    boxes.forEach((box, index) => box.checked = rows[index] !== undefined && selected.has(rows[index].id));
    const all = list.querySelector('thead th.select input');
    if (all) {
      all.checked = rows.length > 0 && rows.every(user => selected.has(user.id));
    }
    groupBar.hidden = selected.size === 0;
    replace(groupBar,
        h('span', {class: 'count'}, selected.size + (selected.size === 1 ? ' user selected' : ' users selected')),
        h('button', {type: 'button', class: 'danger', onClick: () => deleteSelected(selected, refresh)}, 'Delete selected'),
        h('button', {type: 'button', onClick: () => {
          selected.clear();
          syncSelection();
        }}, 'Clear selection'));
  };

  const refresh = async () => {
    const mine = ++generation;
    list.setAttribute('aria-busy', 'true');
    if (!list.hasChildNodes()) {
      replace(list, h('p', {class: 'loading'}, 'Loading…'));
    }
    try {
      const answer = await fetchPage(query => api.get('/users', query), {name: state.name, status: state.status}, state);
      if (mine !== generation) {
        return;
      }
      rows = answer.results;
      replace(list, render(answer));
      syncSelection();
    } catch (error) {
      if (mine === generation) {
        replace(list, errorMessage(error));
      }
    } finally {
      if (mine === generation) {
        list.removeAttribute('aria-busy');
      }
    }
  };

  const render = answer => [
    table({
      label: 'Users',
      rows: answer.results,
      selection,
      empty: state.name || state.status ? 'No user matches these filters.' : 'No users yet: create one for docker login.',
      columns: [
        {title: 'Name', class: 'user-name', render: user => h('strong', {}, user.name)},
        {title: 'Description', class: 'description', render: user => user.description
          ? h('span', {title: user.description}, user.description) : h('span', {class: 'muted'}, '—')},
        {title: 'Status', render: user => statusBadge(user.status)},
        {title: 'Registries', class: 'permissions', render: user => permissionChips(user.permissions)},
        {title: 'Created', class: 'when', render: user => time(user.created_at)},
        {title: 'Expires', class: 'when', render: user => user.expires_at ? time(user.expires_at) : 'Never'},
        {title: '', class: 'row-actions', render: user => rowMenu('Actions for ' + user.name, [
          {label: 'Edit information', onClick: () => editInformation(user, refresh)},
          {label: 'Edit attached registries', onClick: () => editPermissions(user, refresh)},
          {label: 'Refresh secret', onClick: () => refreshSecret(user, refresh)},
          user.status === 'disabled'
            ? {label: 'Enable', onClick: () => enable(user, refresh)}
            : {label: 'Disable', onClick: () => disable(user, refresh)},
          {label: 'Delete', kind: 'danger', onClick: () => deleteUser(user, () => {
            selected.delete(user.id);
            return refresh();
          })},
        ])},
      ],
    }),
    answer.count === 0 ? null : pager({count: answer.count, page: state.page, onPage: page => {
      state.page = page;
      refresh();
    }}),
  ];

  const status = h('select', {class: 'status-filter', 'aria-label': 'Status', onChange: () => {
    state.status = status.value;
    state.page = 1;
    refresh();
  }}, STATUSES.map(([value, label]) => h('option', {value}, label)));

  replace(main,
      heading('Users', h('button', {type: 'button', class: 'primary', onClick: () => {
        createUser(refresh).catch(error => notify(error.message || 'Something went wrong.'));
      }}, 'Create user')),
      h('p', {class: 'intro'}, 'Users sign in with docker login (their name and secret) and pull or push in the registries attached to them.'),
      h('div', {class: 'toolbar'},
          searchBox({placeholder: 'Search users by name', value: state.name, onSearch: name => {
            state.name = name;
            state.page = 1;
            refresh();
          }}),
          status),
      groupBar,
      list);
  return refresh();
}

function statusBadge(status) {
  return badge(status.charAt(0).toUpperCase() + status.slice(1), status);
}

function permissionChips(permissions) {
  if (!permissions || permissions.length === 0) {
    return h('span', {class: 'muted'}, 'None');
  }
  return h('div', {class: 'tags'}, permissions.map(p => h('span', {class: 'tag perm ' + p.access, title: `${p.access} on ${p.registry}`},
      h('span', {class: 'perm-registry-name'}, p.registry), h('span', {class: 'perm-sep'}, ':'), p.access)));
}

/** A date input's value (yyyy-mm-dd) as the end of that day in the browser's time zone, as a UTC RFC 3339 instant. */
function endOfDay(value) {
  const [year, month, day] = value.split('-').map(Number);
  const end = new Date(year, month - 1, day, 23, 59, 59);
  return end.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Today in the browser's zone as yyyy-mm-dd, for the date input's min. */
function today() {
  const now = new Date();
  return [now.getFullYear(), String(now.getMonth() + 1).padStart(2, '0'), String(now.getDate()).padStart(2, '0')].join('-');
}

/**
 * The expiry choice: Never, in N days, or on a date (and, when editing, Keep as it is). Returns {element, value()}:
 * value() gives the body fields ({} to keep, {duration_days} or {expires_at}) or throws an Error saying what is wrong.
 */
function expiryChooser({user} = {}) {
  const group = 'expiry-' + Math.random().toString(36).slice(2, 9);
  const days = h('input', {type: 'number', min: '1', max: String(MAX_DAYS), step: '1', inputmode: 'numeric',
    value: String(user?.duration_days > 0 ? user.duration_days : 30), 'aria-label': 'Number of days'});
  const date = h('input', {type: 'date', min: today(), 'aria-label': 'Expiry date'});
  const radios = {};
  const option = (value, label, ...extra) => {
    const radio = h('input', {type: 'radio', name: group, value});
    radios[value] = radio;
    return h('div', {class: 'expiry-option'}, h('label', {}, radio, ' ', label), ...extra);
  };
  const current = user ? (user.expires_at ? 'expires ' + formatTime(user.expires_at) : 'never expires') : null;
  const element = h('fieldset', {class: 'expiry'},
      h('legend', {}, 'Expiry'),
      user ? option('keep', `Keep as it is (${current})`) : null,
      option('never', 'Never expires'),
      option('days', 'In', days, h('span', {}, 'days from now')),
      option('date', 'On', date),
      h('p', {class: 'hint'}, 'A date means until the end of that day (23:59:59) in your time zone. '
          + (user ? 'A new expiry renews an expired user.' : '')));
  radios[user ? 'keep' : 'never'].checked = true;
  days.addEventListener('focus', () => radios.days.checked = true);
  date.addEventListener('focus', () => radios.date.checked = true);
  date.addEventListener('change', () => radios.date.checked = true);

  const value = () => {
    const choice = Object.keys(radios).find(key => radios[key].checked);
    if (choice === 'never') {
      return {duration_days: -1};
    }
    if (choice === 'days') {
      const n = Number(days.value);
      if (!Number.isInteger(n) || n < 1 || n > MAX_DAYS) {
        days.focus();
        throw new Error(`The number of days is a whole number from 1 to ${MAX_DAYS}.`);
      }
      return {duration_days: n};
    }
    if (choice === 'date') {
      if (!date.value) {
        date.focus();
        throw new Error('Choose the date on which the user expires.');
      }
      const at = endOfDay(date.value);
      if (new Date(at) <= new Date()) {
        date.focus();
        throw new Error('The expiry date is in the past: choose today or a later day.');
      }
      return {expires_at: at};
    }
    return {};
  };
  return {element, value};
}

async function createUser(refresh) {
  const levels = await loadAccessLevels();
  const name = h('input', {type: 'text', name: 'name', required: true, autocomplete: 'off', spellcheck: false, autocapitalize: 'none',
    pattern: '[a-z0-9][a-z0-9._\\-]{1,62}', minLength: 2, maxLength: 63});
  const description = h('textarea', {name: 'description', rows: 2, maxLength: 1024});
  const expiry = expiryChooser();
  const permissions = permissionsEditor({levels, permissions: []});
  dialog({
    title: 'Create user',
    content: [
      field('Name', name, 'The docker login user name: 2 to 63 characters, lower-case letters, digits, ., _ and -, starting with a letter or digit; not “admin”.'),
      field('Description', description, 'Optional: what uses this user, such as a CI pipeline.'),
      expiry.element,
      permissions.element,
    ],
    actions: [{label: 'Create', kind: 'primary', submit: true, onClick: async close => {
      const userName = name.value.trim();
      if (!NAME.test(userName) || userName === 'admin') {
        name.focus();
        throw new Error(userName === 'admin'
          ? 'The name “admin” is the admin token’s: choose another.'
          : 'The name is 2 to 63 characters: lower-case letters, digits, ., _ and -, starting with a letter or digit.');
      }
      const body = {name: userName, description: description.value, ...expiry.value(), permissions: permissions.value()};
      const created = await api.post('/users', body);
      close();
      showSecret({title: 'User ' + created.name + ' created', userName: created.name, secret: created.secret});
      refresh();
    }}],
  });
  name.focus();
}

function editInformation(user, refresh) {
  const description = h('textarea', {name: 'description', rows: 2, maxLength: 1024});
  description.value = user.description ?? '';
  const expiry = expiryChooser({user});
  dialog({
    title: 'Edit ' + user.name,
    content: [field('Description', description), expiry.element],
    actions: [{label: 'Save', kind: 'primary', submit: true, onClick: async close => {
      await api.patch('/users/' + segment(user.id), {description: description.value, ...expiry.value()});
      close();
      notify('User ' + user.name + ' saved.');
      refresh();
    }}],
  });
  description.focus();
}

async function editPermissions(user, refresh) {
  const levels = await loadAccessLevels();
  const permissions = permissionsEditor({levels, permissions: user.permissions});
  dialog({
    title: 'Registries of ' + user.name,
    content: [h('p', {}, 'The list replaces the user’s registries as a whole; a registry removed here is no longer reachable with this user.'),
      permissions.element],
    actions: [{label: 'Save', kind: 'primary', submit: true, onClick: async close => {
      await api.put('/users/' + segment(user.id) + '/permissions', {permissions: permissions.value()});
      close();
      notify('Registries of ' + user.name + ' saved.');
      refresh();
    }}],
  });
}

function refreshSecret(user, refresh) {
  dialog({
    title: 'Refresh the secret of ' + user.name,
    content: [h('p', {}, 'A new secret is made and the current one stops working at once: every docker login and CI job that uses it fails until it is given the new one.')],
    actions: [{label: 'Refresh secret', kind: 'primary', onClick: async close => {
      const refreshed = await api.post('/users/' + segment(user.id) + '/refresh-secret');
      close();
      showSecret({title: 'New secret of ' + refreshed.name, userName: refreshed.name, secret: refreshed.secret});
      refresh();
    }}],
  });
}

function disable(user, refresh) {
  confirmAction({
    title: 'Disable ' + user.name,
    message: `${user.name} is refused from its next request on, until it is enabled again. Its secret and registries are kept.`,
    actionLabel: 'Disable',
    kind: 'danger',
    perform: async () => {
      await api.post('/users/' + segment(user.id) + '/disable');
      notify('User ' + user.name + ' disabled.');
      refresh();
    },
  });
}

async function enable(user, refresh) {
  const enabled = await api.post('/users/' + segment(user.id) + '/enable');
  notify('User ' + user.name + (enabled?.status === 'expired' ? ' enabled, but expired: renew it with Edit information.' : ' enabled.'));
  refresh();
}

function deleteUser(user, onDeleted) {
  confirmTyped({
    title: 'Delete user ' + user.name,
    message: `${user.name} can no longer sign in, from its next request on. This cannot be undone.`,
    perform: async () => {
      await api.delete('/users/' + segment(user.id));
      notify('User ' + user.name + ' deleted.');
      onDeleted();
    },
  });
}

/** The group delete: typed confirmation, then what could not be deleted, by name and reason. */
function deleteSelected(selected, refresh) {
  const ids = [...selected.keys()];
  const names = new Map(selected);
  confirmTyped({
    title: ids.length === 1 ? 'Delete 1 user' : `Delete ${ids.length} users`,
    message: [...names.values()].slice(0, 10).join(', ') + (ids.length > 10 ? ` and ${ids.length - 10} more` : '')
        + ' can no longer sign in, from their next request on. This cannot be undone.',
    perform: async () => {
      const answer = await api.post('/users/delete', {ids});
      const deleted = answer.deleted ?? [];
      ids.forEach(id => selected.delete(id));
      const failed = answer.failed ?? [];
      if (deleted.length > 0) {
        notify(deleted.length === 1 ? '1 user deleted.' : `${deleted.length} users deleted.`);
      }
      refresh();
      if (failed.length > 0) {
        setTimeout(() => showFailures(failed, names));
      }
    },
  });
}

function showFailures(failed, names) {
  dialog({
    title: failed.length === 1 ? '1 user was not deleted' : `${failed.length} users were not deleted`,
    content: [h('ul', {class: 'failures'}, failed.map(failure => {
      const who = failure.name ?? failure.id;
      return h('li', {}, h('strong', {}, names.get(who) ?? who), ': ', failure.error);
    }))],
    actions: [{label: 'OK', kind: 'primary', onClick: close => close()}],
  });
}
