// The quick picks of review: which shots, which take, which version, and the "Changes requested" list
// (every shot sent back, across productions, with its latest note).
import * as vscode from 'vscode';
import { ProjectPaths } from '../../core/project/paths';
import { VersionStore } from '../../core/review/versions';
import { circled, reviewStatusOf } from '../../core/state/productionState';
import { REVIEW_STATUS } from '../../shared/review';
import { SHOT_STATE } from '../../shared/shotState';
import type { Production } from '../productions/production';

export interface ShotPick {
  production: Production;
  shotIds: string[];
}

export async function pickShots(production: Production, many: boolean): Promise<ShotPick | undefined> {
  const items = production.state.all().map((s) => ({
    label: s.id,
    description: `${SHOT_STATE[s.status].label} · ${REVIEW_STATUS[reviewStatusOf(s)].label}`,
    detail: s.prompt.length > 120 ? `${s.prompt.slice(0, 120)}…` : s.prompt,
  }));
  if (many) {
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      placeHolder: 'Which shots?',
    });
    return picked?.length ? { production, shotIds: picked.map((p) => p.label) } : undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: 'Which shot?',
    matchOnDetail: true,
  });
  return picked ? { production, shotIds: [picked.label] } : undefined;
}

/** The take to circle, from the first target shot's rendered takes. */
export async function pickTake(t: ShotPick): Promise<number | undefined> {
  const shot = t.production.state.get(t.shotIds[0]!);
  if (!shot?.outputs.length) {
    void vscode.window.showInformationMessage(`Dailies: ${t.shotIds[0]} has no rendered take yet.`);
    return undefined;
  }
  const current = circled(shot)?.variation;
  const picked = await vscode.window.showQuickPick(
    [...shot.outputs]
      .sort((a, b) => a.variation - b.variation)
      .map((o) => ({
        label: `$(${o.variation === current ? 'pass-filled' : 'circle-large-outline'}) Take ${o.variation}`,
        description: [o.variation === current ? 'circled' : '', o.seed !== undefined ? `seed ${o.seed}` : '']
          .filter(Boolean)
          .join(' · '),
        variation: o.variation,
      })),
    {
      placeHolder: `Circle which take of ${t.shotIds.length === 1 ? t.shotIds[0] : `${t.shotIds.length} shots`}?`,
    },
  );
  return picked?.variation;
}

export async function pickVersion(
  production: Production,
  shotId: string,
): Promise<{ id: string; action: 'compare' | 'restore' } | undefined> {
  const versions = await new VersionStore(new ProjectPaths(production.file)).list(shotId);
  if (versions.length === 0) {
    void vscode.window.showInformationMessage(
      `Dailies: ${shotId} has no kept versions yet (every render from now on is kept).`,
    );
    return undefined;
  }
  const shot = production.state.get(shotId);
  const shas = new Set(shot?.outputs.map((o) => o.sha256));
  const items = versions
    .map((v, i) => {
      const current =
        v.render.inputHash === shot?.renderHash &&
        v.render.outputs.length === shas.size &&
        v.render.outputs.every((o) => shas.has(o.sha256));
      const prompt =
        typeof v.fields?.['prompt'] === 'string' ? String(v.fields['prompt']) : '(prompt not recorded)';
      return {
        label: `${current ? '$(pass-filled) ' : ''}Version ${i + 1}`,
        description: [
          new Date(v.render.renderedAt).toLocaleString(),
          v.inputs?.model ?? v.render.model,
          v.render.costUsd ? `$${v.render.costUsd.toFixed(3)}` : '',
          `${v.render.outputs.length} take${v.render.outputs.length === 1 ? '' : 's'}`,
        ]
          .filter(Boolean)
          .join(' · '),
        detail: prompt.length > 160 ? `${prompt.slice(0, 160)}…` : prompt,
        id: v.id,
        current,
      };
    })
    .reverse();
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: `Versions of ${shotId}, newest first`,
  });
  if (!picked) return undefined;
  const action = await vscode.window.showQuickPick(
    [
      { label: '$(compare-changes) Compare in the take viewer', action: 'compare' as const },
      ...(picked.current
        ? []
        : [
            {
              label: '$(history) Restore this version (images and prompt, no render)',
              action: 'restore' as const,
            },
          ]),
    ],
    { placeHolder: picked.label.replace(/^\$\([^)]+\) /, '') },
  );
  return action ? { id: picked.id, action: action.action } : undefined;
}

export async function changesRequestedPick(
  productions: readonly Production[],
): Promise<{ production: Production; shotId: string } | undefined> {
  const items = productions.flatMap((production) =>
    production.state
      .all()
      .filter((s) => reviewStatusOf(s) === 'changes-requested')
      .map((s) => {
        const last = s.review?.notes.at(-1);
        return {
          label: `$(request-changes) ${s.id}`,
          description: productions.length > 1 ? production.label : SHOT_STATE[s.status].label,
          detail: last ? `${last.text}${last.author ? ` — ${last.author}` : ''}` : '(no note)',
          production,
          shotId: s.id,
        };
      }),
  );
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Dailies: no shot has changes requested.');
    return undefined;
  }
  return vscode.window.showQuickPick(items, {
    placeHolder: `${items.length} shot${items.length === 1 ? '' : 's'} with changes requested`,
    matchOnDetail: true,
  });
}
