/* The status strip: the start-up timeline (page load, SDK ready, runtime ready, Heap loaded, first
 * Heap call; each marked when its event comes, never polled) and the problems, in plain words. */
import { $, el, seconds } from './show.mjs';

const marks = {}; // name -> ms since navigation

/** Mark a step of the start-up as done at time t (the first time only). */
export function mark(name, t) {
  if (marks[name] !== undefined) return;
  marks[name] = t;
  const item = document.querySelector('#timeline [data-mark="' + name + '"]');
  if (!item) return;
  item.classList.remove('failed'); // late is still done
  item.classList.add('done');
  item.querySelector('.value').textContent = seconds(t);
}

export function marked(name) { return marks[name] !== undefined; }

/** A step that will not happen (its file was blocked, say). */
export function markFailed(name, text) {
  if (marks[name] !== undefined) return;
  const item = document.querySelector('#timeline [data-mark="' + name + '"]');
  item.classList.add('failed');
  item.querySelector('.value').textContent = text;
}

const seen = new Set();
/** One line in the problems list (each text once). */
export function addProblem(level, text) {
  if (seen.has(text)) return;
  seen.add(text);
  $('problems').classList.add('has-problems');
  $('problems').querySelector('.problems-title').hidden = false;
  $('problem-list').appendChild(el('li', { className: 'problem', 'data-level': level }, [
    el('span', { className: 'level', text: level === 'error' ? 'Error' : 'Warning' }),
    el('span', { className: 'text', text: text })
  ]));
}

function pageLoaded() {
  const nav = performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
  mark('pageLoad', nav && nav.loadEventStart > 0 ? nav.loadEventStart : performance.now());
}

/** Mark the page's own load (now, or when it comes). */
export function watchPageLoad() {
  if (document.readyState === 'complete') pageLoaded();
  else window.addEventListener('load', pageLoaded);
}
