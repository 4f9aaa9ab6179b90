// Provider keys live in VS Code's SecretStorage (the OS keychain), never in settings, project files,
// logs or webview messages. The environment (as for the CLI) is a fallback for dev boxes.
import * as vscode from 'vscode';
import { keysFromEnv, type ProviderKeys } from '../core/providers/factory';

export type KeyProvider = 'fal' | 'replicate';
export const KEY_PROVIDERS: readonly KeyProvider[] = ['fal', 'replicate'];

const SECRET_ID: Record<KeyProvider, string> = { fal: 'dailies.falKey', replicate: 'dailies.replicateKey' };
export const PROVIDER_LABEL: Record<KeyProvider, string> = { fal: 'fal.ai', replicate: 'Replicate' };
const KEY_PAGE: Record<KeyProvider, string> = {
  fal: 'https://fal.ai/dashboard/keys',
  replicate: 'https://replicate.com/account/api-tokens',
};
const ENV_NAME: Record<KeyProvider, string> = { fal: 'FAL_KEY', replicate: 'REPLICATE_API_TOKEN' };

/** Where a provider's key comes from, if anywhere. */
export type KeySource = 'stored' | 'env' | undefined;

/** Shape checks only (the provider is the judge): catches a pasted URL, a half key, stray spaces. */
export function keyProblem(provider: KeyProvider, raw: string): string | undefined {
  const v = raw.trim();
  if (!v) return 'Paste the key, or press Escape to skip.';
  if (/\s/.test(v)) return 'A key has no spaces or line breaks.';
  if (provider === 'fal' && !/^[\w-]{4,}:[\w-]{4,}$/.test(v))
    return 'A fal.ai key looks like key-id:key-secret (two parts joined by a colon).';
  if (provider === 'replicate' && !/^r8_[A-Za-z0-9_-]{8,}$/.test(v))
    return 'A Replicate API token starts with r8_.';
  return undefined;
}

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

  async source(provider: KeyProvider): Promise<KeySource> {
    if (await this.secrets.get(SECRET_ID[provider])) return 'stored';
    return keysFromEnv(process.env)[provider] ? 'env' : undefined;
  }

  async set(provider: KeyProvider, value: string): Promise<void> {
    await this.secrets.store(SECRET_ID[provider], value.trim());
  }

  async clear(provider: KeyProvider): Promise<void> {
    await this.secrets.delete(SECRET_ID[provider]);
  }

  /**
   * Asks for a key in a password box that stays up until answered (a toast would hide itself while the
   * batch waits); `why` says what is waiting for it. Returns whether a key was stored.
   */
  async prompt(provider: KeyProvider, why?: string): Promise<boolean> {
    const value = await vscode.window.showInputBox({
      title: `Dailies: ${PROVIDER_LABEL[provider]} API key`,
      prompt:
        `${why ? `${why} ` : ''}Get a key at [${KEY_PAGE[provider].replace(/^https:\/\//, '')}](${KEY_PAGE[provider]}). ` +
        `It is kept in VS Code's secret storage (your OS keychain), never in project files, settings or logs.`,
      password: true,
      ignoreFocusOut: true,
      placeHolder: provider === 'fal' ? 'key-id:key-secret' : 'r8_…',
      validateInput: (v) => keyProblem(provider, v),
    });
    if (value === undefined || keyProblem(provider, value)) return false;
    await this.set(provider, value);
    return true;
  }

  /** "fal.ai: stored · Replicate: from REPLICATE_API_TOKEN" */
  async describe(provider: KeyProvider): Promise<string> {
    const source = await this.source(provider);
    return source === 'stored'
      ? 'key in secret storage'
      : source === 'env'
        ? `key from ${ENV_NAME[provider]} (environment; not stored, nothing to clear)`
        : 'no key';
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
