// Provider keys live in VS Code's SecretStorage (the OS keychain), never in settings, project files,
// logs or webview messages. The environment (as for the CLI) is a fallback for dev boxes.
import * as vscode from 'vscode';
import { keysFromEnv, type ProviderKeys } from '../core/providers/factory';

export type KeyProvider = 'fal' | 'replicate';

const SECRET_ID: Record<KeyProvider, string> = { fal: 'dailies.falKey', replicate: 'dailies.replicateKey' };
export const PROVIDER_LABEL: Record<KeyProvider, string> = { fal: 'fal.ai', replicate: 'Replicate' };

export class KeyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.sub = secrets.onDidChange((e) => {
      if (Object.values(SECRET_ID).includes(e.key)) this.changed.fire();
    });
  }

  async keys(): Promise<ProviderKeys> {
    const env = keysFromEnv(process.env);
    const fal = (await this.secrets.get(SECRET_ID.fal)) || env.fal;
    const replicate = (await this.secrets.get(SECRET_ID.replicate)) || env.replicate;
    return { fal, replicate };
  }

  async set(provider: KeyProvider, value: string): Promise<void> {
    await this.secrets.store(SECRET_ID[provider], value.trim());
  }

  async clear(provider: KeyProvider): Promise<void> {
    await this.secrets.delete(SECRET_ID[provider]);
  }

  /** Asks for a key in a password box; returns whether one was stored. */
  async prompt(provider: KeyProvider): Promise<boolean> {
    const value = await vscode.window.showInputBox({
      title: `${PROVIDER_LABEL[provider]} API key`,
      prompt: `Stored in VS Code's secret storage (your OS keychain); never written to project files or logs.`,
      password: true,
      ignoreFocusOut: true,
      placeHolder: provider === 'fal' ? 'key-id:key-secret' : 'r8_…',
      validateInput: (v) => (v.trim().length < 8 ? 'That looks too short for an API key' : undefined),
    });
    if (!value) return false;
    await this.set(provider, value);
    return true;
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
