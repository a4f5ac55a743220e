// Sign-in with the admin token (printed once at the server's first start, or REGISTRY_ADMIN_TOKEN).
import {signIn} from '../api.js';
import {h, replace} from '../dom.js';
import {errorMessage, field} from '../widgets.js';

export function signInScreen(onSignedIn) {
  const token = h('input', {type: 'password', name: 'token', autocomplete: 'current-password', required: true, spellcheck: false});
  const problem = h('div', {class: 'form-error'});
  const button = h('button', {type: 'submit', class: 'primary'}, 'Sign in');
  const form = h('form', {class: 'sign-in', onSubmit: async event => {
    event.preventDefault();
    replace(problem);
    button.disabled = true;
    try {
      onSignedIn(await signIn(token.value.trim()));
    } catch (error) {
      replace(problem, errorMessage(error.status === 401
          ? {message: 'That is not the admin token.', code: error.code} : error));
      token.select();
    } finally {
      button.disabled = false;
    }
  }},
  h('h1', {}, h('img', {src: 'favicon.svg', alt: '', width: 32, height: 32}), 'Berth console'),
  field('Admin token', token, 'The token Berth printed when it first started, or REGISTRY_ADMIN_TOKEN.'),
  problem,
  button);
  queueMicrotask(() => token.focus());
  return h('main', {class: 'centered'}, form);
}
