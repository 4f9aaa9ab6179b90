// Review commands: circle a take, approve, request changes (with a note), add a note, back to pending,
// the take viewer, the "Changes requested" list, a shot's versions and restoring one. Each takes its
// shots from a tree node (or the tree's selection), from explicit arguments `{ file, shotIds, … }` (the
// storyboard, the viewer, scripts and tests), or from the shot under the cursor in project.json.
import * as vscode from 'vscode';
import { ProjectPaths } from '../../core/project/paths';
import { findVersion } from '../../core/review/restore';
import { VersionStore } from '../../core/review/versions';
import { REVIEW_STATUS, type ReviewStatus } from '../../shared/review';
import type { ActionResult } from '../../shared/viewerProtocol';
import type { DailiesLog } from '../log';
import type { ProductionRegistry } from '../productions/registry';
import { ViewerPanels } from '../webviews/viewerPanels';
import { ReviewActions } from './reviewActions';
import { changesRequestedPick, pickShots, pickTake, pickVersion, type ShotPick } from './reviewPicks';
import { fromNodes, isNode, pickProduction, shotAtCursor } from './targets';

/** Arguments a webview, a script or a test passes instead of a tree node. */
export interface ReviewArgs {
  file: string;
  shotIds: string[];
  take?: number;
  note?: string;
  version?: string;
}

function isReviewArgs(v: unknown): v is ReviewArgs {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ReviewArgs).file === 'string' &&
    Array.isArray((v as ReviewArgs).shotIds)
  );
}

export function registerReviewCommands(
  extensionUri: vscode.Uri,
  registry: ProductionRegistry,
  log: DailiesLog,
): vscode.Disposable[] {
  const actions = new ReviewActions(log);
  const viewers = new ViewerPanels(extensionUri, registry, actions);

  /** The shots a command acts on; asks (a quick pick) only when nothing names them. */
  const targets = async (
    clicked: unknown,
    selected: unknown,
    many: boolean,
  ): Promise<ShotPick | undefined> => {
    if (isReviewArgs(clicked)) {
      const production = registry.all().find((p) => p.file === clicked.file);
      if (!production) throw new Error(`no production ${clicked.file}`);
      return { production, shotIds: clicked.shotIds.filter((s): s is string => typeof s === 'string') };
    }
    const nodes = fromNodes(clicked, selected).filter((t) => t.shotIds?.length);
    if (nodes[0]) return { production: nodes[0].production, shotIds: nodes[0].shotIds! };
    const cursor = shotAtCursor(registry);
    if (cursor?.shotIds?.length) return { production: cursor.production, shotIds: cursor.shotIds };
    const production = await pickProduction(registry);
    return production ? pickShots(production, many) : undefined;
  };

  const report = (r: ActionResult, done?: string) => {
    if (!r.ok) void vscode.window.showWarningMessage(`Dailies: ${r.message ?? 'nothing was changed'}`);
    else if (r.message) void vscode.window.showInformationMessage(`Dailies: ${r.message}`);
    else if (done) void vscode.window.setStatusBarMessage(`$(check) ${done}`, 3000);
    return r;
  };

  const setStatus =
    (status: ReviewStatus, askNote: boolean) => async (clicked?: unknown, selected?: unknown) => {
      const t = await targets(clicked, selected, true);
      if (!t?.shotIds.length) return undefined;
      let note = isReviewArgs(clicked) ? clicked.note : undefined;
      if (note === undefined && askNote) {
        note = await vscode.window.showInputBox({
          title: `Request changes: ${label(t.shotIds)}`,
          prompt: 'What must change? (saved as a note in project.json, with your name and the time)',
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim() ? undefined : 'Write what must change'),
        });
        if (note === undefined) return undefined;
      }
      const r = await actions.apply(t.production, t.shotIds, {
        kind: 'status',
        status,
        ...(note !== undefined ? { note } : {}),
      });
      return report(r, `${label(t.shotIds)}: ${REVIEW_STATUS[status].label}`);
    };

  return [
    viewers,
    vscode.commands.registerCommand('dailies.circleTake', async (clicked?: unknown, selected?: unknown) => {
      if (isNode(clicked) && clicked.kind === 'variation') {
        const r = await actions.circle(clicked.production, clicked.shotId, clicked.variation);
        return report(r, `${clicked.shotId}: take ${clicked.variation} circled`);
      }
      const t = await targets(clicked, selected, true);
      if (!t?.shotIds.length) return undefined;
      const take = isReviewArgs(clicked) && clicked.take !== undefined ? clicked.take : await pickTake(t);
      if (take === undefined) return undefined;
      const r = await actions.apply(t.production, t.shotIds, { kind: 'circle', take });
      return report(r, `${label(t.shotIds)}: take ${take} circled`);
    }),
    vscode.commands.registerCommand('dailies.approve', setStatus('approved', false)),
    vscode.commands.registerCommand('dailies.requestChanges', setStatus('changes-requested', true)),
    vscode.commands.registerCommand('dailies.resetReview', setStatus('pending', false)),
    vscode.commands.registerCommand('dailies.addNote', async (clicked?: unknown, selected?: unknown) => {
      const t = await targets(clicked, selected, false);
      if (!t?.shotIds.length) return undefined;
      const note =
        (isReviewArgs(clicked) ? clicked.note : undefined) ??
        (await vscode.window.showInputBox({ title: `Note on ${label(t.shotIds)}`, ignoreFocusOut: true }));
      if (!note?.trim()) return undefined;
      return report(await actions.apply(t.production, t.shotIds, { kind: 'note', note }), 'Note added');
    }),
    vscode.commands.registerCommand(
      'dailies.openTakeViewer',
      async (clicked?: unknown, selected?: unknown) => {
        const t = await targets(clicked, selected, false);
        if (t) await viewers.show(t.production, t.shotIds[0]);
      },
    ),
    vscode.commands.registerCommand('dailies.changesRequested', async () => {
      await registry.whenReady();
      const picked = await changesRequestedPick(registry.all());
      if (picked) await viewers.show(picked.production, picked.shotId);
    }),
    vscode.commands.registerCommand('dailies.showVersions', async (clicked?: unknown, selected?: unknown) => {
      const t = await targets(clicked, selected, false);
      const shotId = t?.shotIds[0];
      if (!t || !shotId) return;
      const choice = await pickVersion(t.production, shotId);
      if (!choice) return;
      if (choice.action === 'compare') await viewers.show(t.production, shotId);
      else report(await actions.restore(t.production, shotId, choice.id));
    }),
    vscode.commands.registerCommand('dailies.restoreVersion', async (args?: unknown) => {
      if (!isReviewArgs(args) || !args.version || !args.shotIds[0]) return undefined;
      const production = registry.all().find((p) => p.file === args.file);
      if (!production) return { ok: false, message: `no production ${args.file}` };
      const { entry } = await findVersion(
        new VersionStore(new ProjectPaths(production.file)),
        args.shotIds[0],
        args.version,
      );
      return report(await actions.restore(production, args.shotIds[0], entry.id));
    }),
    // For tests and other extensions: what the open take viewer of a production shows right now.
    vscode.commands.registerCommand('dailies.viewerSnapshot', async (file?: unknown) => {
      const viewer = viewers.open().find((v) => v.production.file === file) ?? viewers.open()[0];
      return viewer ? viewer.snapshot() : undefined;
    }),
  ];
}

function label(ids: readonly string[]): string {
  return ids.length === 1 ? ids[0]! : `${ids.length} shots`;
}
