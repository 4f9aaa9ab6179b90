// Take viewer entry; the CSS imports become dist/webview/viewer.css (codicons included).
import '@vscode/codicons/dist/codicon.css';
import './viewer.css';
import type { ViewerEvents, ViewerHostRequests } from '../../src/shared/viewerProtocol';
import { openChannel } from '../common/channel';
import { vscodeApi } from '../common/vscodeApi';
import { ViewerApp } from './app';

performance.mark('dailies:viewer-start');
const root = document.getElementById('app');
if (root) {
  const api = vscodeApi();
  new ViewerApp(root, openChannel<ViewerHostRequests, ViewerEvents>(api), api).start();
}
