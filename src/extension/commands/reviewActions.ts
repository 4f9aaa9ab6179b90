// What review does in the workbench, for the commands, the storyboard and the take viewer alike:
// circle / approve / request changes / note through the production's own writer (the same lock, and the
// open editor's buffer when it has unsaved changes), and restore a version — its files from the content
// store, its record and prompt as one ordinary, undoable edit of the project.json document.
import * as vscode from 'vscode';
import { envLayer, resolveConfig } from '../../core/config';
import { ProjectPaths } from '../../core/project/paths';
import { restoreTextEdit, restoreVersion } from '../../core/review/restore';
import { applyReview, type ReviewAction, type ReviewResult } from '../../core/review/reviewEdits';
import { reviewerName } from '../../core/review/who';
import { toDailiesError } from '../../core/util/errors';
import { withFileLock } from '../../core/util/lock';
import type { ReviewStatus } from '../../shared/review';
import type { ActionResult } from '../../shared/viewerProtocol';
import type { DailiesLog } from '../log';
import type { Production } from '../productions/production';
import { readSettings } from '../settings';
import type { ViewerActions } from '../webviews/viewerPanel';

export class ReviewActions implements ViewerActions {
  constructor(private readonly log: DailiesLog) {}

  /** One action on many shots, one write; the production is re-read so every view shows it at once. */
  async apply(
    production: Production,
    shotIds: readonly string[],
    action: ReviewAction,
  ): Promise<ActionResult> {
    if (shotIds.length === 0) return { ok: false, message: 'No shot to review' };
    let result: ReviewResult;
    try {
      const engine = await production.engine();
      const who = await reviewerName(production.root);
      result = await applyReview(engine.writer, shotIds, action, { who, at: new Date().toISOString() });
    } catch (err) {
      return { ok: false, message: toDailiesError(err).message };
    }
    if (result.written.length) {
      this.log.info(`review: ${describe(action)} — ${result.written.join(', ')}`);
      await production.refresh();
    }
    return outcome(result);
  }

  circle(production: Production, shotId: string, take: number): Promise<ActionResult> {
    return this.apply(production, [shotId], { kind: 'circle', take });
  }

  review(production: Production, shotId: string, status: ReviewStatus, note?: string): Promise<ActionResult> {
    return this.apply(production, [shotId], { kind: 'status', status, ...(note ? { note } : {}) });
  }

  note(production: Production, shotId: string, note: string): Promise<ActionResult> {
    return this.apply(production, [shotId], { kind: 'note', note });
  }

  /**
   * The version's files come back from the store (no provider is asked anything); the record and the
   * prompt and params go into the document as one edit the user can undo. A document with no unsaved
   * changes is saved, so the engine and the views see the restored shot at once.
   */
  async restore(production: Production, shotId: string, versionId: string): Promise<ActionResult> {
    try {
      const thumbnails = resolveConfig(readSettings(production.uri).layer, envLayer()).thumbnails;
      const restored = await restoreVersion(new ProjectPaths(production.file), shotId, versionId, {
        thumbnails,
      });
      const doc = await vscode.workspace.openTextDocument(production.uri);
      // The engine's writer takes this lock too: a render landing now waits for the restore, or the
      // other way round, and neither works from text the other is replacing.
      await withFileLock(production.file, async () => {
        const wasDirty = doc.isDirty;
        const edit = restoreTextEdit(doc.getText(), shotId, restored.changes);
        if (!edit) throw new Error(`${shotId} is no longer in project.json`);
        const we = new vscode.WorkspaceEdit();
        we.replace(
          production.uri,
          new vscode.Range(doc.positionAt(edit.offset), doc.positionAt(edit.offset + edit.length)),
          edit.content,
          { label: `Restore version ${restored.n} of ${shotId}`, needsConfirmation: false },
        );
        if (!(await vscode.workspace.applyEdit(we))) throw new Error('the editor refused the edit');
        if (!wasDirty) await doc.save();
      });
      this.log.info(`review: restored version ${restored.n} of ${shotId} (no render, no upload)`);
      await production.refresh();
      const note = restored.entry.legacy ? ' (its prompt was not recorded: only the images came back)' : '';
      return { ok: true, message: `Restored version ${restored.n} of ${shotId}${note}` };
    } catch (err) {
      return { ok: false, message: toDailiesError(err).message };
    }
  }
}

function describe(action: ReviewAction): string {
  switch (action.kind) {
    case 'circle':
      return action.take === undefined ? 'uncircled' : `circled take ${action.take}`;
    case 'status':
      return `${action.status}${action.note ? ' with a note' : ''}`;
    case 'note':
      return 'note added';
  }
}

export function outcome(r: ReviewResult): ActionResult {
  if (r.blocked) return { ok: false, message: `Nothing was changed: ${r.blocked}` };
  const problems = [
    ...r.refused.map((x) => `${x.shotId} ${x.reason}`),
    ...r.missing.map((id) => `${id} is no longer in project.json`),
  ];
  if (problems.length) {
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    return { ok: r.written.length > 0, message: `${problems.slice(0, 3).join('; ')}${more}` };
  }
  return { ok: true };
}
