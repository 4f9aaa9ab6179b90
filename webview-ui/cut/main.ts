// Cut webview entry; the CSS imports become dist/webview/cut.css (codicons included).
import '@vscode/codicons/dist/codicon.css';
import './cut.css';
import type { CutEvents, CutHostRequests } from '../../src/shared/cut';
import { openChannel } from '../common/channel';
import { vscodeApi } from '../common/vscodeApi';
import { CutApp } from './app';

const root = document.getElementById('app');
if (root) {
  const api = vscodeApi();
  new CutApp(root, openChannel<CutHostRequests, CutEvents>(api), api).start();
}
