// An email's HTML body, shown only inside a sandboxed iframe: no allow-scripts and no
// allow-same-origin (the frame is an opaque origin that can not reach the workbench or its token),
// a CSP that blocks scripts and every network fetch (remote images are trackers), no referrer.
import { h } from './dom.js';
import { t } from './i18n.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

export function emailHtmlFrame(html) {
  const frame = h('iframe', {
    class: 'email-html',
    sandbox: '',
    referrerpolicy: 'no-referrer',
    csp: CSP, // Chromium's embedded enforcement attribute, in addition to the meta tag below
    title: t('emailHtml'),
    loading: 'lazy'
  });
  frame.setAttribute('sandbox', ''); // an empty sandbox attribute: every restriction applies
  frame.srcdoc = `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}"><base target="_blank">` + html;
  return h('details', { class: 'email-html-box' }, h('summary', { text: t('emailHtml') }), frame);
}
