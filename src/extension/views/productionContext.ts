// The context key `dailies.hasProduction`: true while the workspace holds at least one Dailies
// production. The Shots view and its title buttons show only then, so a workspace whose only project.json
// is Nx's (which activates the extension too) shows no Dailies view with buttons that do nothing.
import * as vscode from 'vscode';
import type { ProductionRegistry } from '../productions/registry';
import { Disposable } from '../util/disposable';

export const HAS_PRODUCTION = 'dailies.hasProduction';

export class ProductionContext extends Disposable {
  private value: boolean | undefined;

  constructor(registry: ProductionRegistry) {
    super();
    const update = () => this.set(registry.all().length > 0);
    this.register(registry.onDidChangeProductions(update));
    // Before the first discovery ends the key stays unset (hidden): no flash of a view that then goes.
    void registry.whenReady().then(update, update);
  }

  private set(value: boolean): void {
    if (value === this.value) return;
    this.value = value;
    void vscode.commands.executeCommand('setContext', HAS_PRODUCTION, value);
  }
}
