// Finds every Dailies production in the workspace (every root of a multi-root workspace), keeps one
// Production per project.json, and keeps them current: a debounced FileSystemWatcher for disk changes
// (ignoring the ones our own write-backs cause) and open-document edits for live staleness as you type.
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { isForeignProjectText, looksLikeDailiesText } from '../../core/project/recognize';
import { Disposable } from '../util/disposable';
import { DocumentAwareIO, openDocument } from './documentIO';
import { Production, type ProductionServices } from './production';

// renders/ is where Dailies writes a production's images: tens of thousands of files in a big one, never
// a project.json — the discovery search at every open need not walk them.
const EXCLUDE = '**/{node_modules,.git,.dailies,renders,dist,out,.vscode-test}/**';
const DEBOUNCE_MS = 300;

export class ProductionRegistry extends Disposable {
  private readonly productions = new Map<string, Production>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** The set of productions changed (one found, one removed). */
  readonly onDidChangeProductions = this.changed.event;
  private readonly shotChanged = this.register(
    new vscode.EventEmitter<{ production: Production; ids?: string[] }>(),
  );
  /** Something in a production changed (shot ids, or undefined for "anything"). */
  readonly onDidChangeProduction = this.shotChanged.event;
  private timers = new Map<string, { timer: NodeJS.Timeout; fromEditor: boolean }>();
  /** Bumped on every removal: a look at the file that began before it must not bring the production back. */
  private removals = new Map<string, number>();
  private readonly ready: Promise<void>;

  constructor(private readonly services: ProductionServices) {
    super();
    const watcher = this.register(vscode.workspace.createFileSystemWatcher('**/project.json'));
    this.register(watcher.onDidCreate((uri) => this.schedule(uri)));
    this.register(watcher.onDidChange((uri) => this.schedule(uri)));
    this.register(watcher.onDidDelete((uri) => this.remove(uri)));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.discover()));
    this.register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        const p = this.productions.get(e.document.uri.toString());
        if (p && e.contentChanges.length && !p.ownWrites.isReload(e.document))
          this.schedule(e.document.uri, true);
      }),
    );
    this.register({
      dispose: () => {
        for (const t of this.timers.values()) clearTimeout(t.timer);
      },
    });
    this.ready = this.discover();
  }

  /** Resolves once the first discovery has finished. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  all(): Production[] {
    return [...this.productions.values()].sort((a, b) => a.file.localeCompare(b.file));
  }

  /** Re-plans every production from its current text. */
  async refreshAll(): Promise<void> {
    await Promise.all(this.all().map((p) => p.refresh()));
  }

  /** Settings or keys changed: every engine picks up the new providers and limits. */
  reconfigureAll(): void {
    for (const p of this.all()) void p.reconfigure();
  }

  get(uri: vscode.Uri): Production | undefined {
    return this.productions.get(uri.toString());
  }

  /** The production of the active editor, else the only one, else undefined. */
  active(): Production | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    const fromEditor = doc ? this.productions.get(doc.uri.toString()) : undefined;
    if (fromEditor) return fromEditor;
    const all = this.all();
    return all.length === 1 ? all[0] : undefined;
  }

  private async discover(): Promise<void> {
    const found = await vscode.workspace.findFiles('**/project.json', EXCLUDE, 2000);
    await Promise.all(found.map((uri) => this.consider(uri)));
    for (const [key, p] of this.productions) {
      if (!found.some((u) => u.toString() === key) && !(await exists(p.file))) this.remove(p.uri);
    }
  }

  private schedule(uri: vscode.Uri, fromEditor = false): void {
    const key = uri.toString();
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending.timer);
    // An edit and a save can meet inside one debounce window: the merged event is an edit (it must
    // refresh), not something to drop as our own write-back.
    const merged = fromEditor || (pending?.fromEditor ?? false);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      void this.consider(uri, merged);
    }, DEBOUNCE_MS);
    this.timers.set(key, { timer, fromEditor: merged });
  }

  private async consider(uri: vscode.Uri, fromEditor = false): Promise<void> {
    if (uri.scheme !== 'file') return;
    const removals = this.removals.get(uri.toString()) ?? 0;
    const known = this.productions.get(uri.toString());
    // Our own write-back (the common change while a batch runs), told without reading the whole file
    // into a string. Not while an editor holds unsaved changes: then its buffer is what counts.
    if (known && !fromEditor && !isDirty(uri) && (await known.ownWrites.onDisk())) return;
    let text: string;
    try {
      // What the engine would read: the unsaved buffer if there is one, else the file (size-capped).
      text = await new DocumentAwareIO(uri).read();
    } catch {
      this.remove(uri);
      return;
    }
    // Deleted while we were reading it (a write-back's change event racing the delete): stay deleted.
    if ((this.removals.get(uri.toString()) ?? 0) !== removals) return;
    const existing = this.productions.get(uri.toString());
    if (!looksLikeDailiesText(text)) {
      // A known production stays known (shown invalid, its problem in Problems) until it is deleted or
      // clearly turns into something else; a file that merely lost its "shots" key is a broken production.
      if (existing && isForeignProjectText(text)) this.remove(uri);
      else if (existing) await existing.refresh();
      return;
    }
    if (existing) {
      // Always consume the mark, so a later save of the same text is not mistaken for ours.
      const own = existing.ownWrites.is(text);
      if (own && !fromEditor) return;
      await existing.refresh();
      return;
    }
    const production = new Production(uri, this.services);
    this.productions.set(uri.toString(), production);
    production.onDidChange((ids) => this.shotChanged.fire({ production, ids }));
    this.services.log.info(`found production ${vscode.workspace.asRelativePath(uri)}`);
    this.changed.fire();
    await production.refresh();
  }

  private remove(uri: vscode.Uri): void {
    const key = uri.toString();
    this.removals.set(key, (this.removals.get(key) ?? 0) + 1);
    const pending = this.timers.get(key);
    if (pending) {
      clearTimeout(pending.timer);
      this.timers.delete(key);
    }
    const p = this.productions.get(key);
    if (!p) return;
    this.productions.delete(uri.toString());
    p.dispose();
    this.changed.fire();
  }

  override dispose(): void {
    for (const p of this.productions.values()) p.dispose();
    this.productions.clear();
    super.dispose();
  }
}

function isDirty(uri: vscode.Uri): boolean {
  return openDocument(uri)?.isDirty === true;
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}
