// Review from the board: pick a take on a card (a click on its chip, or 1–9), circle it (C, or a
// double-click on the chip), approve or request changes on the selection (A, R), open the take viewer
// (V). Requests go to the host's review commands; a refusal or failure is a visible notice.
import type { ReviewStatus } from '../../src/shared/review';
import { errorMessage } from '../common/guards';
import type { Toasts } from '../common/toasts';
import type { StoryboardChannel } from './actions';
import { shownTake } from './cardReview';
import type { ShotCard } from './model';

export class ReviewActions {
  constructor(
    private readonly rpc: StoryboardChannel,
    private readonly toasts: Toasts,
    /** Redraws one card (its picked take changed). */
    private readonly redraw: (shot: ShotCard) => void,
  ) {}

  /** Shows take `take` on the shot's card (fetching the paths of its takes the first time). */
  async pick(shot: ShotCard, take: number): Promise<boolean> {
    if (!(shot.takes & (1 << (take - 1)))) {
      this.toasts.show('info', `${shot.id} has no rendered take ${take}.`, 2500);
      return false;
    }
    if (!shot.takeImages) {
      try {
        const { takes } = await this.rpc.request('takes', { shotId: shot.id });
        shot.takeImages = new Map(
          (Array.isArray(takes) ? takes : [])
            .filter((t) => Number.isInteger(t?.variation))
            .map((t) => [t.variation, { thumb: str(t.thumb), image: str(t.image) }]),
        );
      } catch (err) {
        this.toasts.show('error', `Takes of ${shot.id}: ${errorMessage(err)}`);
        return false;
      }
    }
    shot.picked = take;
    this.redraw(shot);
    return true;
  }

  /** Circles the take shown on each card (picked, else nothing to do). */
  async circle(shots: ShotCard[]): Promise<void> {
    const takes = shots
      .filter((s) => s.picked !== undefined && s.picked !== s.circled)
      .map((s) => ({ shotId: s.id, take: shownTake(s) }));
    if (takes.length === 0) {
      const one = shots.length === 1 ? shots[0] : undefined;
      this.toasts.show(
        'info',
        one?.circled && one.picked === one.circled
          ? `Take ${one.circled} of ${one.id} is already circled.`
          : 'Pick a take first: click it on the card, or press 1–9.',
        3000,
      );
      return;
    }
    await this.send('Circle', () => this.rpc.request('circle', { takes }));
  }

  async review(ids: string[], status: ReviewStatus): Promise<void> {
    if (ids.length === 0) return;
    const label =
      status === 'approved' ? 'Approve' : status === 'pending' ? 'Reset review' : 'Request changes';
    await this.send(label, () => this.rpc.request('review', { shotIds: ids, status }));
  }

  async openViewer(shot: ShotCard): Promise<void> {
    await this.send('Open the take viewer', async () => {
      const r = await this.rpc.request('openViewer', { shotId: shot.id });
      return { ok: r.opened, message: r.opened ? undefined : `${shot.id} is no longer in the production` };
    });
  }

  private async send(
    label: string,
    request: () => Promise<{ ok: boolean; message?: string }>,
  ): Promise<void> {
    try {
      const r = await request();
      if (!r.ok && r.message) this.toasts.show('error', `${label}: ${r.message}`);
      else if (r.message) this.toasts.show('info', r.message);
    } catch (err) {
      this.toasts.show('error', `${label} failed: ${errorMessage(err)}`);
    }
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
