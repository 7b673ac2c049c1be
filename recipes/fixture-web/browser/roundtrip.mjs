// fixture-web's browser round-trip: write a note through the page, then read it back in a fresh
// browser context (no cookies, no storage), so what is shown came from the app, not the page's memory.
export default async function roundtrip({ page, newContext, url, artifacts, assert }) {
  const name = `browser-${Date.now().toString(36)}`;
  const text = `written through the page ${Math.random().toString(36).slice(2)}`;
  await page.goto(`${url}/notes.html`);
  await page.fill('#name', name);
  await page.fill('#text', text);
  await page.click('#save');
  await page.waitForSelector(`#status:text-is("saved ${name}")`);
  await artifacts.screenshot(page, 'saved');

  const fresh = await newContext();
  const reader = await fresh.newPage();
  await reader.goto(`${url}/marker.html?name=${name}`);
  await reader.waitForSelector('#content[aria-busy="false"]');
  const shown = (await reader.textContent('#content')).trim();
  assert.equal(shown, text, `the note read back in a fresh context shows "${shown}"`);
  await artifacts.screenshot(reader, 'read-back');
  await fresh.close();
}
