// Shared steps of the browser specs.
export async function loginAgent(ctx, page, email, password) {
  await page.goto(ctx.base + '/');
  await page.locator('#login-email').fill(email);
  await page.locator('#login-password').fill(password);
  await page.locator('#login-submit').click();
  await page.locator('#app').waitFor({ state: 'visible', timeout: 10e3 });
  await page.locator('#conn[data-state="live"]').waitFor({ timeout: 10e3 });
}

export async function openWidget(ctx, page) {
  await page.goto(`${ctx.base}/chat?channel=${ctx.info.channel_id}`);
  await page.locator('#chat textarea#text').waitFor({ timeout: 10e3 });
}

export async function visitorSend(page, text) {
  const box = page.locator('#chat textarea#text');
  await box.fill(text);
  await box.press('Enter');
}

// The bodies of the widget's messages (shadow DOM is pierced by CSS locators).
export const widgetBodies = page => page.locator('#chat .log li .body').allTextContents();

export async function until(what, fn, ms = 10e3) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

export function assert(cond, message) { if (!cond) throw new Error('assertion failed: ' + message); }
export const count = (list, text) => list.filter(x => x === text).length;
