// Channel icons as inline SVG path data (no icon font, no network).
import { icon } from './dom.js';
import { t } from './i18n.js';

const PATHS = {
  webchat: 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z',
  wechat: ['M9 4C5 4 2 6.7 2 10c0 1.9 1 3.5 2.6 4.6L4 17l2.7-1.4c.7.2 1.5.3 2.3.3h.4A5.6 5.6 0 0 1 9 14c0-3.3 3.1-6 7-6h.4C15.6 5.7 12.6 4 9 4z',
    'M16 9c-3.3 0-6 2.2-6 5s2.7 5 6 5c.6 0 1.2-.1 1.8-.3L20 20l-.5-2A4.8 4.8 0 0 0 22 14c0-2.8-2.7-5-6-5z'],
  sms: 'M7 2h10a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm0 3v12h10V5H7zm4 13v1h2v-1h-2z',
  email: 'M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm1 2.4V17h16V7.4l-8 5.1-8-5.1zM5.4 7 12 11.2 18.6 7H5.4z',
  voice: 'M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1l-2.2 2.2z',
  api: 'M8.6 16.6 4 12l4.6-4.6L7.2 6 1.2 12l6 6 1.4-1.4zm6.8 0L20 12l-4.6-4.6L16.8 6l6 6-6 6-1.4-1.4z'
};
export const CHANNELS = Object.keys(PATHS);
export function channelIcon(channel) {
  return icon(PATHS[channel] || PATHS.api, t('channel_' + channel) || channel);
}
