// The requests a user triggers on shots. Each one reports failure (error reply or timeout) as an error
// notice, and the toolbar's busy spinner always ends, whatever the host does.
import type { StoryboardCommand, StoryboardEvents, StoryboardHostRequests } from '../../src/shared/protocol';
import type { WebviewChannel } from '../common/channel';
import { errorMessage } from '../common/guards';
import type { Toasts } from '../common/toasts';
import type { ShotCard } from './model';
import type { SelectionAction, Toolbar } from './toolbar';

export type StoryboardChannel = WebviewChannel<StoryboardHostRequests, StoryboardEvents>;

export class ShotActions {
  constructor(
    private readonly rpc: StoryboardChannel,
    private readonly toasts: Toasts,
    private readonly toolbar: Toolbar,
    private readonly selectedCount: () => number,
  ) {}

  async open(shot: ShotCard): Promise<void> {
    if (!shot.image) {
      this.toasts.show('info', `${shot.id} has no rendered image yet.`);
      return;
    }
    await this.request(`Open image ${shot.id}`, () => this.rpc.request('openImage', { shotId: shot.id }));
  }

  async reveal(shot: ShotCard): Promise<void> {
    await this.request(`Reveal ${shot.id}`, () => this.rpc.request('revealShot', { shotId: shot.id }));
  }

  async revealInTree(shot: ShotCard): Promise<void> {
    await this.request(`Reveal ${shot.id} in the tree`, () =>
      this.rpc.request('revealInTree', { shotId: shot.id }),
    );
  }

  async copyPrompt(shot: ShotCard): Promise<void> {
    const r = await this.request(`Copy the prompt of ${shot.id}`, () =>
      this.rpc.request('copyPrompt', { shotId: shot.id }),
    );
    if (r?.copied) this.toasts.show('info', `Copied the prompt of ${shot.id}.`, 2500);
  }

  /** Render All / Render Stale: the host runs its own command, which asks before spending. */
  async command(command: StoryboardCommand): Promise<void> {
    this.toolbar.setCommandBusy(command, true);
    try {
      await this.request('Render', () => this.rpc.request('runCommand', { command }));
    } finally {
      this.toolbar.setCommandBusy(command, false);
    }
  }

  async run(action: SelectionAction, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    this.toolbar.setBusy(action, true, this.selectedCount());
    try {
      if (action === 'cancel') {
        const r = await this.request('Cancel', () => this.rpc.request('cancel', { shotIds: ids }));
        if (r) this.toasts.show('info', `Canceled ${r.canceled} of ${ids.length} shots.`);
        return;
      }
      const label = action === 'force' ? 'Force re-render' : 'Render';
      const force = action === 'force';
      const r = await this.request(label, () => this.rpc.request('render', { shotIds: ids, force }));
      if (r && !r.started) this.toasts.show('info', `${label}: nothing was started for ${ids.length} shots.`);
    } finally {
      this.toolbar.setBusy(action, false, this.selectedCount());
    }
  }

  private async request<T>(label: string, send: () => Promise<T>): Promise<T | undefined> {
    try {
      return await send();
    } catch (err) {
      this.toasts.show('error', `${label} failed: ${errorMessage(err)}`);
      return undefined;
    }
  }
}
