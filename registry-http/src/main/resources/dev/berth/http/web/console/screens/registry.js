// One registry: its summary and actions, and tabs for its images (repositories), the users with access to it, its
// history, its usage over the last 30 days, and the docker commands that reach it.
import uPlot from '../dist/uPlot.esm.js';
import {api} from '../api.js';
import {formatBytes, h, replace, repositoryPath, segment, shortDigest, time} from '../dom.js';
import {
  badge, confirmTyped, copyable, errorMessage, fetchPage, groupDelete, heading, load, notify, PAGE_SIZE, pager,
  rowMenu, searchBox, table, usageBar
} from '../widgets.js';
import {changeAccess, changeLimit, deleteRegistry} from './registries.js';

/** Goes to another screen (the router in app.js follows the address). */
function navigate(path) {
  window.location.hash = '#' + path;
}

const TABS = [
  {id: 'images', label: 'Images', render: imagesTab},
  {id: 'users', label: 'Users', render: usersTab},
  {id: 'history', label: 'History', render: historyTab},
  {id: 'usage', label: 'Usage', render: usageTab},
  {id: 'commands', label: 'Commands', render: commandsTab},
];

/** The tab last shown per registry, so that coming back from an image page shows the same tab. */
const lastTab = new Map();

export async function registryScreen(main, registryName) {
  const base = '/registries/' + segment(registryName);
  const crumbs = breadcrumbs([['Registries', '#/registries'], [registryName]]);
  const top = h('div', {class: 'registry-top'});
  const tabPanel = h('div', {class: 'tab-panel', role: 'tabpanel', id: 'registry-tab-panel', tabindex: '0'});
  const tabList = h('div', {class: 'tabs', role: 'tablist', 'aria-label': 'Registry sections'});
  const context = {registryName, base, registry: null, refreshSummary: null, cleanup: []};

  let registry;
  try {
    registry = await api.get(base);
  } catch (error) {
    replace(main, crumbs, h('h1', {}, registryName), errorMessage(error), h('p', {}, h('a', {href: '#/registries'}, 'Back to the registries')));
    return;
  }
  context.registry = registry;

  const renderTop = () => {
    const r = context.registry;
    replace(top,
        heading(r.name,
            h('button', {type: 'button', onClick: () => changeLimit(r, context.refreshSummary)}, 'Change storage limit'),
            h('button', {type: 'button', onClick: () => guarded(() => changeAccess(r, context.refreshSummary))},
                r.public ? 'Make private' : 'Make public'),
            h('button', {type: 'button', class: 'danger', onClick: () => deleteRegistry(r, () => navigate('/registries'))}, 'Delete')),
        h('dl', {class: 'summary'},
            summaryItem('Access', badge(r.public ? 'Public' : 'Private'), r.public ? ' anyone may pull' : ' pulls need credentials'),
            summaryItem('Storage', usageBar(r.storage_used_bytes, r.storage_limit_bytes)),
            summaryItem('Repositories', String(r.repo_count)),
            summaryItem('Created', time(r.created_at))));
  };
  context.refreshSummary = async () => {
    try {
      context.registry = await api.get(base);
      renderTop();
    } catch (error) {
      replace(top, heading(registryName), errorMessage(error));
    }
  };
  renderTop();

  let active = lastTab.get(registryName) ?? 'images';
  const buttons = TABS.map(tab => h('button', {
    type: 'button', role: 'tab', id: 'tab-' + tab.id, 'aria-controls': 'registry-tab-panel',
    onClick: () => select(tab.id, false),
    onKeydown: event => {
      const index = TABS.indexOf(tab);
      const next = event.key === 'ArrowRight' ? index + 1 : event.key === 'ArrowLeft' ? index - 1
          : event.key === 'Home' ? 0 : event.key === 'End' ? TABS.length - 1 : null;
      if (next !== null) {
        event.preventDefault();
        select(TABS[(next + TABS.length) % TABS.length].id, true);
      }
    },
  }, tab.label));
  tabList.append(...buttons);

  function select(id, focus) {
    active = id;
    lastTab.set(registryName, id);
    context.cleanup.splice(0).forEach(fn => fn());
    buttons.forEach((button, i) => {
      const selected = TABS[i].id === id;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      if (selected && focus) {
        button.focus();
      }
    });
    tabPanel.setAttribute('aria-labelledby', 'tab-' + id);
    return TABS.find(tab => tab.id === id).render(tabPanel, context);
  }

  replace(main, crumbs, top, tabList, tabPanel);
  return select(active, false);
}

/** Runs an async action from a click, showing a failure as a notice rather than an unhandled rejection. */
function guarded(action) {
  Promise.resolve().then(action).catch(error => notify(error.message || 'Something went wrong.'));
}

export function breadcrumbs(items) {
  const parts = [];
  items.forEach(([label, href], i) => {
    if (i > 0) {
      parts.push(h('span', {class: 'separator', 'aria-hidden': 'true'}, ' › '));
    }
    parts.push(href ? h('a', {href}, label) : h('span', {'aria-current': 'page'}, label));
  });
  return h('nav', {class: 'breadcrumbs', 'aria-label': 'Breadcrumbs'}, parts);
}

export function summaryItem(label, value, note) {
  return h('div', {class: 'panel'}, h('dt', {}, label), h('dd', {}, value, note ? h('span', {class: 'note'}, note) : null));
}

/** The address of the server from a registry's url ("HOST/<name>"). */
export function hostOf(registry) {
  const suffix = '/' + registry.name;
  return registry.url.endsWith(suffix) ? registry.url.slice(0, -suffix.length) : registry.url;
}

// ---------------------------------------------------------------- Images

function imagesTab(panel, context) {
  const {base, registryName} = context;
  const state = {name: '', page: 1, selected: new Set()};
  const list = h('div', {class: 'list'});
  const group = groupDelete({
    selected: state.selected,
    nouns: ['repository', 'repositories'],
    intro: `These repositories of ${registryName} and every artifact and tag in them go: `,
    remove: names => api.post(base + '/repositories/delete', {names}),
    failedKey: f => f.name,
    after: () => afterDelete(),
  });
  const imageHref = name => '#/registries/' + segment(registryName) + '/repositories/' + repositoryPath(name);

  const refresh = () => load(list, async () => {
    const answer = await fetchPage(query => api.get(base + '/repositories', query), {name: state.name}, state);
    return [
      table({
        label: 'Images in ' + registryName,
        rows: answer.results,
        empty: state.name ? 'No image matches “' + state.name + '”.' : 'No images yet: push one (see Commands).',
        selection: {key: r => r.name, selected: state.selected, onChange: group.update},
        columns: [
          {title: 'Name', class: 'wide', render: r => h('a', {href: imageHref(r.name), class: 'name'}, r.name)},
          {title: 'Artifacts', class: 'number', render: r => String(r.artifact_count)},
          {title: 'Pulls', class: 'number', render: r => String(r.pull_count)},
          {title: 'Size', class: 'number nowrap', render: r => formatBytes(r.size_bytes)},
          {title: 'Last modified', class: 'nowrap', render: r => time(r.updated_at)},
          {title: '', class: 'row-actions', render: r => rowMenu('Actions for ' + r.name, [
            {label: 'Open', onClick: () => navigate(imageHref(r.name).slice(1))},
            {label: 'Delete repository', kind: 'danger', onClick: () => deleteOne(r.name)},
          ])},
        ],
      }),
      pager({count: answer.count, page: state.page, onPage: page => {
        state.page = page;
        refresh();
      }}),
    ];
  });
  const afterDelete = () => {
    context.refreshSummary();
    return refresh();
  };

  function deleteOne(name) {
    confirmTyped({
      title: 'Delete repository ' + name,
      message: `Every artifact and tag of ${registryName}/${name} goes. This cannot be undone.`,
      perform: async () => {
        await api.delete(base + '/repositories/' + repositoryPath(name));
        group.forget(name);
        notify('Repository ' + name + ' deleted.');
        afterDelete();
      },
    });
  }

  replace(panel,
      h('div', {class: 'toolbar split'},
          searchBox({placeholder: 'Search images', label: 'Search images by name', onSearch: name => {
            state.name = name;
            state.page = 1;
            refresh();
          }}),
          group.bar),
      group.outcome,
      list);
  return refresh();
}

// ---------------------------------------------------------------- Users

function usersTab(panel, context) {
  const {base, registryName} = context;
  const state = {page: 1};
  const list = h('div', {class: 'list'});
  const refresh = () => load(list, async () => {
    const answer = await api.get(base + '/users', {page: state.page, size: PAGE_SIZE});
    return [
      table({
        label: 'Users with access to ' + registryName,
        rows: answer.results,
        empty: 'No user has access to ' + registryName + ' yet. The admin token always has.',
        columns: [
          {title: 'Name', render: u => h('span', {class: 'name'}, u.name)},
          {title: 'Access', render: u => {
            const access = (u.permissions ?? []).find(p => p.registry === registryName)?.access;
            return access ? badge(access === 'push' ? 'Push' : 'Pull', access) : '—';
          }},
          {title: 'Status', render: u => badge(u.status.charAt(0).toUpperCase() + u.status.slice(1), u.status)},
          {title: 'Expires', render: u => u.expires_at ? time(u.expires_at) : 'Never'},
          {title: 'Description', render: u => u.description || '—'},
        ],
      }),
      pager({count: answer.count, page: state.page, onPage: page => {
        state.page = page;
        refresh();
      }}),
    ];
  });
  replace(panel,
      h('p', {class: 'tab-intro'}, 'Users are the credentials for docker login. Pull access lets a user pull; push access also lets it push and delete. ',
          h('a', {href: '#/users'}, 'Manage users and their access on the Users page'), '.'),
      list);
  return refresh();
}

// ---------------------------------------------------------------- History

function historyTab(panel, context) {
  const {base, registryName} = context;
  const state = {action: '', page: 1};
  const list = h('div', {class: 'list'});
  const imageHref = name => '#/registries/' + segment(registryName) + '/repositories/' + repositoryPath(name);
  const refresh = () => load(list, async () => {
    const answer = await api.get(base + '/history', {action: state.action, page: state.page, size: PAGE_SIZE});
    return [
      table({
        label: 'History of ' + registryName,
        rows: answer.results,
        empty: state.action ? 'No ' + state.action + ' events.' : 'Nothing has happened in ' + registryName + ' yet.',
        columns: [
          {title: 'Time', class: 'nowrap', render: e => time(e.time)},
          {title: 'Action', render: e => badge(e.action.charAt(0).toUpperCase() + e.action.slice(1), e.action)},
          {title: 'Repository', render: e => e.repository ? h('a', {href: imageHref(e.repository)}, e.repository) : '—'},
          {title: 'Reference', render: e => reference(e.reference)},
          {title: 'Digest', render: e => e.digest ? h('code', {title: e.digest}, shortDigest(e.digest)) : '—'},
          {title: 'Size', class: 'number nowrap', render: e => e.bytes === null || e.bytes === undefined ? '—' : formatBytes(e.bytes)},
          {title: 'Actor', render: e => e.actor || 'anonymous'},
        ],
      }),
      pager({count: answer.count, page: state.page, onPage: page => {
        state.page = page;
        refresh();
      }}),
    ];
  });
  const action = h('select', {'aria-label': 'Action', onChange: () => {
    state.action = action.value;
    state.page = 1;
    refresh();
  }},
  h('option', {value: ''}, 'All actions'), h('option', {value: 'push'}, 'Pushes'), h('option', {value: 'pull'}, 'Pulls'),
  h('option', {value: 'delete'}, 'Deletes'));
  replace(panel, h('div', {class: 'toolbar'}, h('label', {class: 'inline'}, 'Show ', action), h('span', {class: 'hint'}, 'Newest first.')), list);
  return refresh();
}

function reference(value) {
  if (!value) {
    return '—';
  }
  return value.includes(':') && value.length > 40 ? h('code', {title: value}, shortDigest(value)) : h('code', {}, value);
}

// ---------------------------------------------------------------- Usage

const DAY = 86400;
/** Tick steps for byte axes: 1, 2, 4 … 512 of each binary unit, so that ticks read 256 KiB, 1 MiB, not 976.6 KiB. */
const BYTE_STEPS = [0, 1, 2, 3, 4, 5].flatMap(unit => [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map(m => m * 1024 ** unit));

async function usageTab(panel, context) {
  const {base, registryName} = context;
  const charts = h('div', {class: 'usage-charts'});
  const totals = h('div', {class: 'usage-totals'});
  replace(panel, charts, totals);
  let draw = null;
  await load(charts, async () => {
    const answer = await api.get(base + '/usage');
    const days = answer.results;
    if (days.length === 0) {
      return h('p', {class: 'empty'}, 'No usage recorded.');
    }
    const xs = days.map(d => Date.parse(d.time) / 1000);
    const storage = days.map(d => d.storage_used_bytes);
    const pushes = days.map(d => d.pushes);
    const pulls = days.map(d => d.pulls);
    const storageBox = h('figure', {class: 'chart-box'},
        h('figcaption', {}, 'Storage used at the end of each day'), h('div', {class: 'chart', role: 'img',
          'aria-label': `Storage used by ${registryName} over the last ${days.length} days; the figures are in the table below.`}));
    const activityBox = h('figure', {class: 'chart-box'},
        h('figcaption', {}, 'Pushes and pulls per day'), h('div', {class: 'chart', role: 'img',
          'aria-label': `Pushes and pulls per day in ${registryName}; the figures are in the table below.`}));
    replace(totals, usageTotals(days, context.registry));
    draw = () => drawCharts(context, storageBox, activityBox, xs, storage, pushes, pulls);
    return [storageBox, activityBox];
  });
  // The charts are drawn once their boxes are in the page, so that they take the container's width.
  if (draw) {
    try {
      draw();
    } catch (error) {
      replace(charts, errorMessage({message: 'The charts could not be drawn: ' + error.message}));
    }
  }
}

function drawCharts(context, storageBox, activityBox, xs, storage, pushes, pulls) {
  if (!storageBox.isConnected) {
    return;
  }
  const storageTarget = storageBox.querySelector('.chart');
  const activityTarget = activityBox.querySelector('.chart');
  const tzDate = ts => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC');
  const height = () => window.innerWidth < 640 ? 180 : 220;
  const width = target => Math.max(240, Math.floor(target.clientWidth));
  const dayAxis = {
    stroke: '#5f6b7a', grid: {stroke: '#eef1f4'}, ticks: {stroke: '#dde2e8'},
    values: (u, splits) => splits.map(s => tzDate(s).toLocaleDateString(undefined, {month: 'short', day: 'numeric'})),
    space: 60,
  };
  const dayValue = (u, ts) => ts === null || ts === undefined ? '—' : tzDate(ts).toLocaleDateString(undefined, {year: 'numeric', month: 'short', day: 'numeric'});
  const padDays = (u, min, max) => [min - DAY / 2, max + DAY / 2];

  const storageChart = new uPlot({
    width: width(storageTarget), height: height(), tzDate,
    scales: {x: {time: true, range: padDays}, y: {range: (u, min, max) => [0, Math.max(max * 1.1, 1024)]}},
    axes: [dayAxis, {
      stroke: '#5f6b7a', grid: {stroke: '#eef1f4'}, ticks: {stroke: '#dde2e8'}, size: 80, incrs: BYTE_STEPS,
      values: (u, splits) => splits.map(v => formatBytes(v).replace(/\.0+ /, ' ')),
    }],
    series: [
      {value: dayValue},
      {label: 'Storage used', stroke: '#1d4ed8', width: 2, fill: 'rgba(29, 78, 216, 0.12)', value: (u, v) => v === null ? '—' : formatBytes(v),
        points: {size: 5}},
    ],
    cursor: {drag: {x: false, y: false}},
  }, [xs, storage], storageTarget);

  const bars = uPlot.paths.bars;
  const count = (u, v) => v === null || v === undefined ? '—' : String(v);
  const activityChart = new uPlot({
    width: width(activityTarget), height: height(), tzDate,
    scales: {x: {time: true, range: padDays}, y: {range: (u, min, max) => [0, Math.max(4, Math.ceil(max * 1.15))]}},
    axes: [dayAxis, {
      stroke: '#5f6b7a', grid: {stroke: '#eef1f4'}, ticks: {stroke: '#dde2e8'}, size: 50,
      values: (u, splits) => splits.map(v => Number.isInteger(v) ? String(v) : ''),
    }],
    series: [
      {value: dayValue},
      {label: 'Pushes', stroke: '#15803d', fill: 'rgba(21, 128, 61, 0.8)', width: 0, paths: bars({size: [0.4, 24], align: -1}),
        points: {show: false}, value: count},
      {label: 'Pulls', stroke: '#b45309', fill: 'rgba(180, 83, 9, 0.75)', width: 0, paths: bars({size: [0.4, 24], align: 1}),
        points: {show: false}, value: count},
    ],
    cursor: {drag: {x: false, y: false}},
  }, [xs, pushes, pulls], activityTarget);

  let frame = 0;
  const onResize = () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      if (!storageBox.isConnected) {
        stop();
        return;
      }
      storageChart.setSize({width: width(storageTarget), height: height()});
      activityChart.setSize({width: width(activityTarget), height: height()});
    });
  };
  const stop = () => {
    window.removeEventListener('resize', onResize);
    cancelAnimationFrame(frame);
    storageChart.destroy();
    activityChart.destroy();
  };
  let stopped = false;
  const stopOnce = () => {
    if (!stopped) {
      stopped = true;
      stop();
    }
  };
  window.addEventListener('resize', onResize);
  // Leaving the tab stops the charts; leaving the screen is caught by the next resize.
  context.cleanup.push(stopOnce);
}

function usageTotals(days, registry) {
  const sum = key => days.reduce((total, d) => total + (d[key] ?? 0), 0);
  const peak = days.reduce((max, d) => Math.max(max, d.storage_used_bytes ?? 0), 0);
  const first = days[0].time.slice(0, 10);
  const last = days[days.length - 1].time.slice(0, 10);
  return [
    h('h2', {}, `Last ${days.length} days (${first} to ${last}, UTC)`),
    h('dl', {class: 'summary'},
        summaryItem('Storage used now', formatBytes(registry.storage_used_bytes)),
        summaryItem('Peak storage', formatBytes(peak)),
        summaryItem('Pushes', String(sum('pushes'))),
        summaryItem('Pulls', String(sum('pulls'))),
        summaryItem('Bytes pushed', formatBytes(sum('bytes_pushed')))),
    h('details', {class: 'daily'}, h('summary', {}, 'Daily figures'),
        table({
          label: 'Usage per day',
          rows: [...days].reverse(),
          columns: [
            {title: 'Day (UTC)', render: d => d.time.slice(0, 10)},
            {title: 'Storage used', class: 'number', render: d => formatBytes(d.storage_used_bytes)},
            {title: 'Pushes', class: 'number', render: d => String(d.pushes)},
            {title: 'Pulls', class: 'number', render: d => String(d.pulls)},
            {title: 'Bytes pushed', class: 'number', render: d => formatBytes(d.bytes_pushed)},
          ],
        })),
  ];
}

// ---------------------------------------------------------------- Commands

async function commandsTab(panel, context) {
  const {base, registry} = context;
  const host = hostOf(registry);
  const slot = h('div', {class: 'commands'});
  replace(panel, slot);
  return load(slot, async () => {
    // An image of this registry for the examples, when it has one.
    let example = 'app';
    try {
      const answer = await api.get(base + '/repositories', {page: 1, size: 1});
      example = answer.results[0]?.name ?? example;
    } catch {
      // The examples work with any name.
    }
    const image = `${host}/${registry.name}/${example}`;
    return [
      h('p', {class: 'tab-intro'}, 'Every image of this registry is named ', h('code', {}, `${host}/${registry.name}/<repository>:<tag>`), '.'),
      h('h3', {}, 'Sign in'),
      copyable(`docker login ${host}`),
      h('p', {class: 'hint'}, 'With the user name and secret of a user with access to ', registry.name, ' (',
          h('a', {href: '#/users'}, 'Users'), '), or as admin with the admin token.'),
      h('h3', {}, 'Pull'),
      copyable(`docker pull ${image}:latest`),
      h('p', {class: 'hint'}, registry.public
        ? 'This registry is public: anyone may pull without signing in.'
        : 'This registry is private: pulling needs a user with pull or push access.'),
      h('h3', {}, 'Push'),
      copyable(`docker tag ${example.split('/').pop()}:latest ${image}:latest`),
      copyable(`docker push ${image}:latest`),
      h('p', {class: 'hint'}, 'Pushing needs a user with push access to ', registry.name, ': ',
          h('a', {href: '#/users'}, 'create one or give one push access on the Users page'), '.'),
    ];
  });
}

