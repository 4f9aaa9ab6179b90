// Storyboard webview entry. The CSS imports become dist/webview/storyboard.css (codicons included,
// their font emitted next to it), which the page links with the id vscode-elements looks for.
import '@vscode/codicons/dist/codicon.css';
import './storyboard.css';
import type { StoryboardEvents, StoryboardHostRequests } from '../../src/shared/protocol';
import { openChannel } from '../common/channel';
import { vscodeApi } from '../common/vscodeApi';
import { StoryboardApp } from './app';

performance.mark('dailies:script-start');
const root = document.getElementById('app');
if (root) {
  const api = vscodeApi();
  new StoryboardApp(root, openChannel<StoryboardHostRequests, StoryboardEvents>(api), api).start();
}
