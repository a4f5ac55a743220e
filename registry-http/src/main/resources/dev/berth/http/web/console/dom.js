// Building the DOM without HTML strings: every text a user or the API supplied goes in as a text node, so
// nothing typed into a description or a tag is ever parsed as markup (the page's CSP forbids inline script
// too, but this keeps markup injection out altogether).

/** An element: h('a', {href: '#/x', class: 'link', onClick: fn}, 'text', child, [more]). */
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key.startsWith('on') && typeof value === 'function') {
      element.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'class') {
      element.className = value;
    } else if (key === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (typeof value !== 'string' && key in element) {
      element[key] = value;
    } else {
      element.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends children: nodes as they are, anything else as text; null, undefined and false are skipped. */
export function append(element, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** Replaces an element's children. */
export function replace(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 -> "1.5 KiB": binary units, as storage limits are set in GiB. */
export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) {
    return '—';
  }
  let value = Number(bytes);
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return (unit === 0 ? String(value) : value.toFixed(value < 10 ? 2 : 1)) + ' ' + UNITS[unit];
}

/** An RFC 3339 instant in the reader's locale and time zone; "—" for none. */
export function formatTime(instant) {
  if (!instant) {
    return '—';
  }
  const date = new Date(instant);
  return date.toLocaleString(undefined, {year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit'});
}

/** A <time> element with the full instant as its title. */
export function time(instant) {
  return instant ? h('time', {datetime: instant, title: instant}, formatTime(instant)) : '—';
}

/** "sha256:abcdef0123456789..." -> "sha256:abcdef012345": long digests shortened for tables. */
export function shortDigest(digest) {
  const colon = digest.indexOf(':');
  return colon < 0 ? digest.slice(0, 19) : digest.slice(0, colon + 13);
}

/** A path segment for the hash routes and the API. */
export const segment = encodeURIComponent;

/** A repository name for a path: each of its '/'-separated parts encoded, the slashes kept. */
export function repositoryPath(name) {
  return name.split('/').map(encodeURIComponent).join('/');
}
