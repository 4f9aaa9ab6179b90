// ShotView (host model) → ShotCard (what the storyboard draws). Images go by webview URI, never bytes;
// the content hash in the query makes a re-rendered frame show instead of a cached old one.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ShotView } from '../../core/state/productionState';
import type { ShotCard } from '../../shared/protocol';
import { cardStatus } from '../../shared/shotState';

export function toCard(shot: ShotView, root: string, webview: vscode.Webview): ShotCard {
  const out = shot.outputs[0];
  const uri = (rel: string | undefined) => {
    if (!rel) return undefined;
    const version = out?.sha256 ? `?v=${out.sha256.slice(0, 12)}` : '';
    return `${webview.asWebviewUri(vscode.Uri.file(path.join(root, rel))).toString()}${version}`;
  };
  return {
    id: shot.id,
    index: shot.index,
    sceneId: shot.sceneId,
    prompt: shot.prompt.length > 280 ? `${shot.prompt.slice(0, 280)}…` : shot.prompt,
    model: shot.model,
    provider: shot.provider,
    variations: shot.variations,
    status: cardStatus(shot.status),
    reason: shot.reason,
    thumbUrl: uri(out?.thumb),
    imageUrl: uri(out?.image),
    progress: shot.progress,
    cached: shot.cached,
    durationS: shot.durationS,
  };
}
