// A small test runner on playwright-core (the library only: no test framework to install).
// Starts the server through server_launcher.py, launches Debian's chromium headless, runs the
// specs in order, writes screenshots to $CC_TEST_OUTPUT and exits 1 when a spec failed.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUTPUT = process.env.CC_TEST_OUTPUT || path.join(HERE, '..', '..', 'test-output');
const ONLY = process.env.CC_BROWSER_ONLY || process.argv[2] || '';
mkdirSync(OUTPUT, { recursive: true });

export class Skip extends Error {}

function startServer() {
  const child = spawn('/usr/bin/python3', [path.join(HERE, 'server_launcher.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiters = [];
  lines.on('line', line => { const w = waiters.shift(); if (w) w(line); else console.log('[launcher]', line); });
  const nextLine = (ms = 90e3) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server launcher did not answer')), ms);
    waiters.push(line => { clearTimeout(timer); resolve(line); });
    child.once('exit', code => reject(new Error(`server launcher exited ${code}`)));
  });
  return { child, nextLine };
}

async function main() {
  const launcher = startServer();
  const info = JSON.parse(await launcher.nextLine());
  const base = `http://127.0.0.1:${info.port}`;
  console.log(`server on ${base}, web chat channel ${info.channel_id}, log ${info.log}`);
  const browser = await chromium.launch({
    executablePath: process.env.CC_BROWSER || '/usr/bin/chromium',
    headless: true,
    // Each newContext() is a new, empty profile; nothing talks to the network but our server.
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--no-default-browser-check', '--disable-default-apps', '--disable-domain-reliability',
      '--metrics-recording-only', '--disable-features=Translate,MediaRouter,OptimizationHints']
  });

  const dialogs = [];
  const launcherCommand = async command => {
    launcher.child.stdin.write(command + '\n');
    const line = await launcher.nextLine();
    if (line !== command) throw new Error(`launcher ${command}: ${line}`);
  };
  const ctx = {
    base, info, output: OUTPUT, browser, dialogs,
    skip(reason) { throw new Skip(reason); },
    async newPage(options = {}) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US', ...options });
      const page = await context.newPage();
      page.on('dialog', d => { dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
      page.on('pageerror', e => console.log(`  [page error] ${e.message}`));
      ctx.pages.push(page);
      return page;
    },
    pages: [],
    // Stops the server (every socket drops) and starts it again on the same port.
    async serverDown() { await launcherCommand('down'); },
    async serverUp() { await launcherCommand('up'); },
    async sql(statement) {
      launcher.child.stdin.write('sql ' + statement.replace(/\n/g, ' ') + '\n');
      const result = JSON.parse(await launcher.nextLine());
      if (result.error) throw new Error(result.error);
      return result;
    },
    async api(method, p, { body, token } = {}) {
      const headers = { Accept: 'application/json' };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      if (token) headers.Authorization = 'Bearer ' + token;
      const r = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      let json = null;
      try { json = JSON.parse(text); } catch { /* not json */ }
      return { status: r.status, body: json, headers: r.headers };
    },
    async screenshot(page, name) { await page.screenshot({ path: path.join(OUTPUT, name), fullPage: false }); }
  };

  const files = readdirSync(path.join(HERE, 'specs')).filter(f => f.endsWith('.spec.mjs')).sort();
  const results = [];
  for (const file of files) {
    const { tests } = await import(path.join(HERE, 'specs', file));
    for (const test of tests) {
      const name = `${file.replace('.spec.mjs', '')}: ${test.name}`;
      if (ONLY && !name.includes(ONLY)) continue;
      const started = Date.now();
      let outcome = 'pass', detail = '';
      try {
        await Promise.race([test.run(ctx), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 90 s')), 90e3))]);
      } catch (e) {
        if (e instanceof Skip) { outcome = 'skip'; detail = e.message; } else {
          outcome = 'FAIL'; detail = e.stack || String(e);
          const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
          for (const [i, page] of ctx.pages.entries()) {
            if (!page.isClosed()) await page.screenshot({ path: path.join(OUTPUT, `browser-fail-${slug}-${i}.png`) }).catch(() => {});
          }
        }
      }
      results.push({ name, outcome });
      console.log(`${outcome === 'pass' ? 'ok  ' : outcome === 'skip' ? 'skip' : 'FAIL'} ${name} (${Date.now() - started} ms)${detail ? '\n     ' + detail.split('\n').slice(0, 8).join('\n     ') : ''}`);
    }
  }
  await browser.close();
  launcher.child.stdin.end('stop\n');
  const code = await new Promise(resolve => launcher.child.on('exit', resolve));
  const failed = results.filter(r => r.outcome === 'FAIL').length;
  const skipped = results.filter(r => r.outcome === 'skip').length;
  console.log(`\n${results.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped; screenshots in ${OUTPUT}`);
  if (code !== 0) console.log(`server launcher exited ${code}`);
  if (!results.length) { console.log('no spec ran'); process.exit(1); }
  process.exit(failed || code !== 0 ? 1 : 0);
}

main().catch(e => { console.error(e); process.exit(1); });
