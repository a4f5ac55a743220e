// Registries: the tenants, with search, paging, usage against limit; create, change the limit or access, delete.
import {api} from '../api.js';
import {h, replace, segment, time} from '../dom.js';
import {
  badge, confirmTyped, dialog, fetchPage, field, heading, load, notify, pager, rowMenu, searchBox, table, usageBar,
} from '../widgets.js';

const GIB = 1024 ** 3;

export function registriesScreen(main) {
  const state = {name: '', page: 1};
  const list = h('div', {class: 'list'});
  const refresh = () => load(list, async () => {
    const answer = await fetchPage(query => api.get('/registries', query), {name: state.name}, state);
    return [
      table({
        label: 'Registries',
        rows: answer.results,
        empty: state.name ? 'No registry matches “' + state.name + '”.' : 'No registries yet: create one.',
        columns: [
          {title: 'Name', render: r => h('a', {href: '#/registries/' + segment(r.name), class: 'name'}, r.name)},
          {title: 'Access', render: r => badge(r.public ? 'Public' : 'Private')},
          {title: 'Storage', class: 'wide', render: r => usageBar(r.storage_used_bytes, r.storage_limit_bytes)},
          {title: 'Repositories', class: 'number', render: r => String(r.repo_count)},
          {title: 'Created', render: r => time(r.created_at)},
          {title: '', class: 'row-actions', render: r => rowMenu('Actions for ' + r.name, [
            {label: 'Change storage limit', onClick: () => changeLimit(r, refresh)},
            {label: r.public ? 'Make private' : 'Make public', onClick: () => changeAccess(r, refresh)},
            {label: 'Delete', kind: 'danger', onClick: () => deleteRegistry(r, refresh)},
          ])},
        ],
      }),
      pager({count: answer.count, page: state.page, onPage: page => {
        state.page = page;
        refresh();
      }}),
    ];
  });
  replace(main,
      heading('Registries', h('button', {type: 'button', class: 'primary', onClick: () => createRegistry(refresh)}, 'Create registry')),
      h('div', {class: 'toolbar'}, searchBox({placeholder: 'Search registries', value: state.name, onSearch: name => {
        state.name = name;
        state.page = 1;
        refresh();
      }})),
      list);
  return refresh();
}

/** A limit typed in GiB (decimals allowed) as bytes; empty means no limit. */
function limitBytes(text) {
  if (text.trim() === '') {
    return null;
  }
  const gib = Number(text);
  if (!Number.isFinite(gib) || gib <= 0) {
    throw new Error('The storage limit is a number of GiB greater than 0, or empty for no limit.');
  }
  return Math.round(gib * GIB);
}

function limitInput(bytes) {
  return h('input', {type: 'number', min: '0.001', step: 'any', inputmode: 'decimal', name: 'limit', placeholder: 'No limit',
    value: bytes ? String(+(bytes / GIB).toFixed(3)) : ''});
}

function createRegistry(refresh) {
  const name = h('input', {type: 'text', name: 'name', required: true, autocomplete: 'off', spellcheck: false,
    pattern: '[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*', minLength: 2, maxLength: 63});
  const access = h('select', {name: 'access'}, h('option', {value: 'private'}, 'Private: pulls need credentials'),
      h('option', {value: 'public'}, 'Public: anyone may pull'));
  const limit = limitInput(null);
  dialog({
    title: 'Create registry',
    content: [
      field('Name', name, '2 to 63 characters: lower-case letters and digits, separated by ., _, __ or -.'),
      field('Access', access),
      field('Storage limit (GiB)', limit, 'Empty for no limit.'),
    ],
    actions: [{label: 'Create', kind: 'primary', submit: true, onClick: async close => {
      const created = await api.post('/registries', {
        name: name.value.trim(), public: access.value === 'public', storage_limit_bytes: limitBytes(limit.value),
      });
      close();
      notify('Registry ' + created.name + ' created.');
      refresh();
    }}],
  });
  name.focus();
}

export function changeLimit(registry, refresh) {
  const limit = limitInput(registry.storage_limit_bytes);
  dialog({
    title: 'Change the storage limit of ' + registry.name,
    content: [field('Storage limit (GiB)', limit, 'Empty for no limit. Pushes beyond the limit are refused; what is stored stays.')],
    actions: [{label: 'Save', kind: 'primary', submit: true, onClick: async close => {
      await api.patch('/registries/' + segment(registry.name), {storage_limit_bytes: limitBytes(limit.value)});
      close();
      notify('Storage limit of ' + registry.name + ' changed.');
      refresh();
    }}],
  });
  limit.focus();
}

export async function changeAccess(registry, refresh) {
  await api.patch('/registries/' + segment(registry.name), {public: !registry.public});
  notify(registry.name + ' is now ' + (registry.public ? 'private' : 'public') + '.');
  refresh();
}

export function deleteRegistry(registry, onDeleted) {
  confirmTyped({
    title: 'Delete registry ' + registry.name,
    message: `Every repository, image and user permission in ${registry.name} goes, and its storage is released. This cannot be undone.`,
    perform: async () => {
      await api.delete('/registries/' + segment(registry.name));
      notify('Registry ' + registry.name + ' deleted.');
      onDeleted();
    },
  });
}
