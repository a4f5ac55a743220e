// The console's shell: who is signed in, the navigation, and which screen the address (#/...) shows.
import {currentSession, onSignedOut, signOut} from './api.js';
import {h, replace} from './dom.js';
import {errorMessage} from './widgets.js';
import {signInScreen} from './screens/signin.js';
import {registriesScreen} from './screens/registries.js';
import {registryScreen} from './screens/registry.js';
import {imageScreen} from './screens/image.js';
import {usersScreen} from './screens/users.js';

const root = document.getElementById('app');
let session = null;

/** #/path -> the screen that shows it; capture groups are URL-decoded and passed on. */
const ROUTES = [
  {pattern: /^\/registries$/, nav: 'registries', screen: () => registriesScreen},
  {pattern: /^\/registries\/([^/]+)$/, nav: 'registries', screen: () => registryScreen},
  {pattern: /^\/registries\/([^/]+)\/repositories\/(.+)$/, nav: 'registries', screen: () => imageScreen},
  {pattern: /^\/users$/, nav: 'users', screen: () => usersScreen},
];

function currentPath() {
  const hash = window.location.hash.replace(/^#/, '');
  return hash === '' || hash === '/' ? '/registries' : hash;
}

export function navigate(path) {
  window.location.hash = '#' + path;
}

async function show() {
  if (!session) {
    replace(root, signInScreen(signedIn => {
      session = signedIn;
      show();
    }));
    return;
  }
  const path = currentPath();
  const route = ROUTES.find(r => r.pattern.test(path));
  const main = h('main', {id: 'main', tabindex: '-1'});
  replace(root, shell(route?.nav), main);
  if (!route) {
    replace(main, h('h1', {}, 'Not found'), h('p', {}, 'Nothing is shown at this address. ', h('a', {href: '#/registries'}, 'Back to the registries')));
    return;
  }
  const params = path.match(route.pattern).slice(1).map(decodeURIComponent);
  try {
    await route.screen()(main, ...params);
  } catch (error) {
    replace(main, errorMessage(error));
  }
}

function shell(active) {
  const link = (name, href, label) => h('a', {href, class: active === name ? 'active' : null, 'aria-current': active === name ? 'page' : null}, label);
  return h('header', {class: 'top'},
      h('a', {class: 'brand', href: '#/registries'}, h('img', {src: 'favicon.svg', alt: '', width: 24, height: 24}), 'Berth'),
      h('nav', {'aria-label': 'Main'}, link('registries', '#/registries', 'Registries'), link('users', '#/users', 'Users')),
      h('div', {class: 'session'},
          h('a', {href: '/api/v1/docs/', class: 'docs'}, 'API'),
          h('button', {type: 'button', class: 'sign-out', onClick: async () => {
            try {
              await signOut();
            } finally {
              session = null;
              show();
            }
          }}, 'Sign out')));
}

onSignedOut(() => {
  session = null;
  show();
});
window.addEventListener('hashchange', show);

try {
  session = await currentSession();
} catch (error) {
  replace(root, errorMessage(error));
}
show();
