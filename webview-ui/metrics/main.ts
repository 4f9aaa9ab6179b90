// Metrics webview entry; the CSS imports become dist/webview/metrics.css (codicons included).
import '@vscode/codicons/dist/codicon.css';
import './metrics.css';
import type { MetricsEvents, MetricsHostRequests } from '../../src/shared/protocol';
import { openChannel } from '../common/channel';
import { vscodeApi } from '../common/vscodeApi';
import { MetricsApp } from './app';

const root = document.getElementById('app');
if (root) {
  const api = vscodeApi();
  new MetricsApp(root, openChannel<MetricsHostRequests, MetricsEvents>(api), api).start();
}
