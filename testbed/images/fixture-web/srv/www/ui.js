// fixture-web's page script: ui-config.js (written by the entrypoint from UI_FAULT) can ask for a
// broken UI, the browser check's negative control: an error rendered and logged to the console.
window.fixtureUi = {
  start() {
    const fault = (window.fixtureUiConfig || {}).fault || '';
    if (fault !== 'console-error') return;
    console.error('fixture-web UI fault: the page script failed to start');
    const banner = document.createElement('p');
    banner.id = 'ui-error';
    banner.textContent = 'Something went wrong: the page script failed to start.';
    banner.style.cssText = 'background:#c00;color:#fff;padding:1em';
    document.body.prepend(banner);
  },
};
