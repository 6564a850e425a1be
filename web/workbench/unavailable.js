// The "not available" state shared by the modules whose APIs other work is still building:
// a 404/405 from their endpoint shows this instead of an error.
import { h } from './dom.js';
import { t } from './i18n.js';

export const unavailableNote = what => h('p', { class: 'unavailable', role: 'note', dataset: { unavailable: what } }, t('notAvailable'));
export const errorNote = e => h('p', { class: 'error', role: 'alert', text: `${t('error')}: ${e.message}` });
