import * as vscode from 'vscode';
import type { ProductionRegistry } from '../productions/registry';
import { KEY_PROVIDERS, type KeyProvider, type KeyStore, PROVIDER_LABEL } from '../secrets';

export function registerKeyCommands(keys: KeyStore, registry: ProductionRegistry): vscode.Disposable[] {
  const set = (provider: KeyProvider) => async () => {
    if (await keys.prompt(provider))
      void vscode.window.showInformationMessage(
        `Dailies: ${PROVIDER_LABEL[provider]} key saved in secret storage.`,
      );
  };
  return [
    vscode.commands.registerCommand('dailies.setFalKey', set('fal')),
    vscode.commands.registerCommand('dailies.setReplicateKey', set('replicate')),
    vscode.commands.registerCommand('dailies.clearKey', async (which?: KeyProvider) => {
      const provider = KEY_PROVIDERS.includes(which as KeyProvider) ? which : await pickStored(keys);
      if (!provider) return;
      await keys.clear(provider);
      void vscode.window.showInformationMessage(`Dailies: ${PROVIDER_LABEL[provider]} key cleared.`);
    }),
    // Keys set or cleared (here or in another window): engines pick up the new providers.
    keys.onDidChange(() => registry.reconfigureAll()),
  ];
}

/** Lists every provider with where its key comes from; only a stored key can be cleared. */
async function pickStored(keys: KeyStore): Promise<KeyProvider | undefined> {
  const rows = await Promise.all(
    KEY_PROVIDERS.map(async (p) => ({
      provider: p,
      source: await keys.source(p),
      text: await keys.describe(p),
    })),
  );
  const stored = rows.filter((r) => r.source === 'stored');
  if (!stored.length) {
    void vscode.window.showInformationMessage(
      `Dailies: no key is stored. ${rows.map((r) => `${PROVIDER_LABEL[r.provider]}: ${r.text}`).join('; ')}.`,
    );
    return undefined;
  }
  const others = rows.filter((r) => r.source !== 'stored');
  const picked = await vscode.window.showQuickPick(
    stored.map((r) => ({
      label: `$(key) ${PROVIDER_LABEL[r.provider]}`,
      description: r.text,
      provider: r.provider,
    })),
    {
      title: 'Dailies: Clear Key',
      placeHolder: `Clear which stored key?${others.length ? ` (${others.map((r) => `${PROVIDER_LABEL[r.provider]}: ${r.text}`).join('; ')})` : ''}`,
    },
  );
  return picked?.provider;
}
