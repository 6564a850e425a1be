// Checks of the shipped files themselves: no markup sinks in the workbench, and the page weight.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { assert } from './helpers.mjs';

const WEB = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'web');
const files = dir => readdirSync(path.join(WEB, dir)).map(f => path.join(WEB, dir, f));

export const tests = [
  {
    name: 'no file of the workbench writes markup from strings (innerHTML, outerHTML, insertAdjacentHTML, document.write)',
    async run() {
      for (const file of files('workbench').filter(f => f.endsWith('.js'))) {
        const text = readFileSync(file, 'utf8').split('\n').filter(l => !/^\s*(\/\/|\*)/.test(l)).join('\n');
        const hit = text.match(/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/);
        assert(!hit, `${path.basename(file)} uses ${hit && hit[0]}`);
      }
    }
  },
  {
    name: 'the workbench loads in under 300 KB of compressed assets (gzip -9)',
    async run() {
      let total = 0;
      for (const file of files('workbench')) total += gzipSync(readFileSync(file), { level: 9 }).length;
      console.log(`     workbench assets: ${total} bytes gzip -9`);
      assert(total < 300 * 1024, `${total} bytes`);
    }
  }
];
