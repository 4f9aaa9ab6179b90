// The storyboard's review requests: circling takes (C, or a double-click on a take), approving and
// requesting changes on the selection, opening the take viewer. They run the review commands with
// explicit arguments, so the board behaves exactly as the palette and the tree do (same writes, same
// note prompt, same notices). The page is less trusted than the host: everything it sends is checked.
import * as vscode from 'vscode';
import type { ReviewReply, StoryboardHostRequests } from '../../shared/protocol';
import { isReviewStatus, type ReviewStatus } from '../../shared/review';
import type { Handlers } from '../../shared/rpc';
import type { Production } from '../productions/production';
import { pathTemplate } from './cards';

type ReviewHandlers = Pick<Handlers<StoryboardHostRequests>, 'circle' | 'review' | 'openViewer' | 'takes'>;

const COMMAND: Record<ReviewStatus, string> = {
  approved: 'dailies.approve',
  'changes-requested': 'dailies.requestChanges',
  pending: 'dailies.resetReview',
};

async function run(command: string, args: unknown): Promise<ReviewReply> {
  const r = (await vscode.commands.executeCommand(command, args)) as ReviewReply | undefined;
  // undefined: the user dismissed the note prompt; nothing happened and nothing is wrong.
  return r ?? { ok: false };
}

export function storyboardReviewHandlers(production: Production): ReviewHandlers {
  const file = production.file;
  return {
    circle: async ({ takes }) => {
      const byTake = new Map<number, string[]>();
      for (const t of Array.isArray(takes) ? takes : []) {
        if (typeof t?.shotId !== 'string' || !Number.isInteger(t.take)) continue;
        byTake.set(t.take, [...(byTake.get(t.take) ?? []), t.shotId]);
      }
      const replies: ReviewReply[] = [];
      for (const [take, shotIds] of byTake)
        replies.push(await run('dailies.circleTake', { file, shotIds, take }));
      const failed = replies.find((r) => !r.ok);
      return failed ?? replies.find((r) => r.message) ?? { ok: replies.length > 0 };
    },
    review: async ({ shotIds, status }) => {
      if (!isReviewStatus(status)) throw new Error(`unknown review status ${String(status)}`);
      const ids = Array.isArray(shotIds) ? shotIds.filter((s): s is string => typeof s === 'string') : [];
      return run(COMMAND[status], { file, shotIds: ids });
    },
    openViewer: async ({ shotId }) => {
      if (!production.state.get(String(shotId))) return { opened: false };
      await vscode.commands.executeCommand('dailies.openTakeViewer', { file, shotIds: [String(shotId)] });
      return { opened: true };
    },
    takes: ({ shotId }) => {
      const shot = production.state.get(String(shotId));
      return {
        takes: [...(shot?.outputs ?? [])]
          .sort((a, b) => a.variation - b.variation)
          .map((o) => ({
            variation: o.variation,
            ...(pathTemplate(o.thumb, shot!.id) !== undefined
              ? { thumb: pathTemplate(o.thumb, shot!.id) }
              : {}),
            ...(pathTemplate(o.image, shot!.id) !== undefined
              ? { image: pathTemplate(o.image, shot!.id) }
              : {}),
          })),
      };
    },
  };
}
