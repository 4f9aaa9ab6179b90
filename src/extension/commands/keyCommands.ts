import * as vscode from 'vscode';
import type { ProductionRegistry } from '../productions/registry';
import { type KeyProvider, type KeyStore, PROVIDER_LABEL } from '../secrets';

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
      const provider =
        which ??
        (
          await vscode.window.showQuickPick(
            (['fal', 'replicate'] as const).map((p) => ({ label: PROVIDER_LABEL[p], provider: p })),
            { placeHolder: 'Clear which key?' },
          )
        )?.provider;
      if (!provider) return;
      await keys.clear(provider);
      void vscode.window.showInformationMessage(`Dailies: ${PROVIDER_LABEL[provider]} key cleared.`);
    }),
    // Keys set or cleared (here or in another window): engines pick up the new providers.
    keys.onDidChange(() => registry.reconfigureAll()),
  ];
}
