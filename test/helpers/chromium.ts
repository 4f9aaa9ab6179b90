// Debian's Chromium, headless, with nothing that reaches for the network (this machine's network is
// closed: background fetches would fail loudly, many at a time). Shared by the webview tests, the
// storyboard benchmark and the VS Code end-to-end run.
export const CHROMIUM_PATH = process.env['DAILIES_E2E_CHROMIUM'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
