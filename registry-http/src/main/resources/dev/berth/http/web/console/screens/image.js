// One repository ("image") of a registry: its summary, the pull command, and its artifacts with their tags; delete
// tags, artifacts (one or a group) or the whole repository.
import {api} from '../api.js';
import {formatBytes, h, replace, repositoryPath, segment, shortDigest, time} from '../dom.js';
import {
  confirmAction, confirmTyped, copyable, copyButton, dialog, errorMessage, fetchPage, groupDelete, heading, load, notify,
  pager, rowMenu, searchBox, table
} from '../widgets.js';
import {breadcrumbs, hostOf, summaryItem} from './registry.js';

const MEDIA_TYPES = {
  'application/vnd.oci.image.manifest.v1+json': 'OCI image',
  'application/vnd.oci.image.index.v1+json': 'OCI index',
  'application/vnd.docker.distribution.manifest.v2+json': 'Docker image',
  'application/vnd.docker.distribution.manifest.list.v2+json': 'Docker list',
  'application/vnd.docker.distribution.manifest.v1+json': 'Docker v1',
  'application/vnd.docker.distribution.manifest.v1+prettyjws': 'Docker v1 (signed)',
};

function mediaType(type) {
  if (!type) {
    return '—';
  }
  const short = MEDIA_TYPES[type] ?? type.replace(/^application\//, '').replace(/^vnd\./, '');
  return h('span', {class: 'media-type', title: type}, short);
}

export async function imageScreen(main, registryName, repositoryName) {
  const registryBase = '/registries/' + segment(registryName);
  const base = registryBase + '/repositories/' + repositoryPath(repositoryName);
  const registryHref = '#/registries/' + segment(registryName);
  const crumbs = breadcrumbs([['Registries', '#/registries'], [registryName, registryHref], [repositoryName]]);

  let registry;
  let repository;
  try {
    [registry, repository] = await Promise.all([api.get(registryBase), api.get(base)]);
  } catch (error) {
    replace(main, crumbs, h('h1', {}, repositoryName), errorMessage(error),
        h('p', {}, h('a', {href: registryHref}, 'Back to ' + registryName)));
    return;
  }
  const host = hostOf(registry);
  const image = `${host}/${registryName}/${repositoryName}`;

  const summary = h('div', {class: 'image-summary'});
  const pull = h('div', {class: 'panel pull-command'});
  const state = {name: '', page: 1, selected: new Set()};
  const list = h('div', {class: 'list artifacts'});
  const group = groupDelete({
    selected: state.selected,
    nouns: ['artifact', 'artifacts'],
    intro: `These artifacts of ${repositoryName} and all their tags go: `,
    label: shortDigest,
    remove: digests => api.post(base + '/artifacts/delete', {digests}),
    failedKey: f => f.digest ?? f.name,
    after: () => afterChange(),
  });

  const renderSummary = () => replace(summary, h('dl', {class: 'summary'},
      summaryItem('Artifacts', String(repository.artifact_count)),
      summaryItem('Pulls', String(repository.pull_count)),
      summaryItem('Size', formatBytes(repository.size_bytes)),
      summaryItem('Last modified', time(repository.updated_at))));

  // The pull command names the first tag of the newest tagged artifact (artifacts come newest first), else latest.
  const renderPull = () => load(pull, async () => {
    const answer = await api.get(base + '/artifacts', {page: 1, size: 50});
    const tag = answer.results.find(a => a.tags?.length > 0)?.tags[0].name ?? 'latest';
    return [h('h2', {}, 'Pull this image'), copyable(`docker pull ${image}:${tag}`, {label: 'Pull command'}),
      registry.public ? null : h('p', {class: 'hint'}, 'Pulling needs a user with pull or push access to ', registryName, ' (',
          h('a', {href: '#/users'}, 'Users'), ').')];
  });

  const refreshSummary = async () => {
    try {
      repository = await api.get(base);
      renderSummary();
      renderPull();
    } catch (error) {
      if (error.status === 404) {
        replace(summary, h('p', {class: 'warning'}, 'This repository no longer exists. ',
            h('a', {href: registryHref}, 'Back to ' + registryName)));
        replace(pull);
      } else {
        replace(summary, errorMessage(error));
      }
    }
  };

  const artifactPath = digest => base + '/artifacts/' + segment(digest);
  const pullByDigest = digest => `docker pull ${image}@${digest}`;

  const refresh = () => load(list, async () => {
    const answer = await fetchPage(query => api.get(base + '/artifacts', query), {name: state.name}, state);
    return [
      table({
        label: 'Artifacts of ' + repositoryName,
        rows: answer.results,
        empty: state.name ? 'No artifact has a tag or digest matching “' + state.name + '”.' : 'No artifacts in this repository.',
        selection: {key: a => a.digest, selected: state.selected, onChange: group.update},
        columns: [
          {title: 'Digest', render: a => h('span', {class: 'digest'},
              h('code', {title: a.digest}, shortDigest(a.digest)), copyButton(a.digest))},
          {title: 'Tags', class: 'tags-cell', render: a => a.tags.length === 0 ? h('span', {class: 'muted'}, 'untagged')
            : h('span', {class: 'tags'}, a.tags.map(t => h('span', {class: 'tag', title: 'Pushed ' + (t.pushed_at ?? '—')},
                t.name, h('button', {type: 'button', 'aria-label': 'Delete tag ' + t.name, title: 'Delete tag ' + t.name,
                  onClick: () => deleteTag(a, t.name)}, '×'))))},
          {title: 'Size', class: 'number nowrap', render: a => formatBytes(a.size)},
          {title: 'Pushed', class: 'nowrap', render: a => time(a.pushed_at)},
          {title: 'Last pulled', class: 'nowrap', render: a => a.pulled_at ? time(a.pulled_at) : 'Never'},
          {title: 'Pulls', class: 'number', render: a => String(a.pull_count)},
          {title: 'Type', render: a => mediaType(a.media_type)},
          {title: '', class: 'row-actions', render: a => rowMenu('Actions for ' + shortDigest(a.digest), [
            {label: 'Copy pull by digest', onClick: () => copyPull(pullByDigest(a.digest))},
            {label: 'Delete artifact', kind: 'danger', onClick: () => deleteOne(a)},
          ])},
        ],
      }),
      pager({count: answer.count, page: state.page, onPage: page => {
        state.page = page;
        refresh();
      }}),
    ];
  });
  const afterChange = () => {
    refreshSummary();
    return refresh();
  };

  function deleteTag(artifact, tag) {
    confirmAction({
      title: 'Delete tag ' + tag,
      message: [`The tag `, h('code', {}, tag), ` goes from ${repositoryName}; the artifact `, h('code', {}, shortDigest(artifact.digest)),
        ' stays' + (artifact.tags.length > 1 ? ' with its other tags.' : ', untagged.')],
      actionLabel: 'Delete tag',
      kind: 'danger',
      perform: async () => {
        await api.delete(artifactPath(artifact.digest) + '/tags/' + segment(tag));
        notify('Tag ' + tag + ' deleted.');
        afterChange();
      },
    });
  }

  function deleteOne(artifact) {
    confirmTyped({
      title: 'Delete artifact ' + shortDigest(artifact.digest),
      message: [`The artifact `, h('code', {title: artifact.digest}, shortDigest(artifact.digest)),
        artifact.tags.length > 0 ? ' and its tags ' + artifact.tags.map(t => t.name).join(', ') : '',
        ` go from ${repositoryName}. This cannot be undone.`],
      perform: async () => {
        await api.delete(artifactPath(artifact.digest));
        group.forget(artifact.digest);
        notify('Artifact ' + shortDigest(artifact.digest) + ' deleted.');
        afterChange();
      },
    });
  }

  function deleteRepository() {
    confirmTyped({
      title: 'Delete repository ' + repositoryName,
      message: `Every artifact and tag of ${registryName}/${repositoryName} goes. This cannot be undone.`,
      perform: async () => {
        await api.delete(base);
        notify('Repository ' + repositoryName + ' deleted.');
        window.location.hash = registryHref;
      },
    });
  }

  replace(main,
      crumbs,
      heading(repositoryName, h('button', {type: 'button', class: 'danger', onClick: deleteRepository}, 'Delete repository')),
      summary,
      pull,
      h('h2', {class: 'section-title'}, 'Artifacts'),
      h('div', {class: 'toolbar split'},
          searchBox({placeholder: 'Search by tag or digest', label: 'Search artifacts by tag or digest', onSearch: name => {
            state.name = name;
            state.page = 1;
            refresh();
          }}),
          group.bar),
      group.outcome,
      list);
  renderSummary();
  return Promise.all([renderPull(), refresh()]);
}

/** Copies a command; where the clipboard is not offered (plain HTTP to another host), shows it to copy by hand. */
async function copyPull(command) {
  try {
    await navigator.clipboard.writeText(command);
    notify('Pull command copied.');
  } catch {
    dialog({
      title: 'Pull by digest',
      content: [h('p', {}, 'Copy this command:'), copyable(command)],
      actions: [{label: 'Done', kind: 'primary', onClick: close => close()}],
    });
  }
}
