import * as assert from 'node:assert/strict';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'jsonc-parser';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { DailiesApi } from '../../../src/extension/api';
import { dailies, editorCaughtUp, ensureRendered, example } from './support/dailies';
import { ui, uiAvailable } from './support/ui';

interface ExportResult {
  file: string;
  shots: number;
  frames: number;
  slates: string[];
  pages?: number;
}

interface ImportReport {
  matched: number;
  changes: { shotId: string; to: number }[];
  dropped: string[];
  written: boolean;
}

suite('Hand-off: Export… and Import Editorial Cut… in the extension host', () => {
  let api: DailiesApi;
  let out: string;
  let projectFile: string;

  suiteSetup(async function () {
    this.timeout(180_000);
    api = await dailies();
    await ensureRendered(api);
    projectFile = example(api).file;
    out = await fs.mkdtemp(path.join(os.tmpdir(), 'dailies-e2e-handoff-'));
  });

  suiteTeardown(async () => {
    await fs.rm(out, { recursive: true, force: true });
  });

  test('Export… writes an OTIO timeline and PDF boards of every shot (the PDF with the bundled fonts)', async function () {
    this.timeout(120_000);
    const shots = (JSON.parse(readFileSync(projectFile, 'utf8')) as { shots: unknown[] }).shots.length;
    const otio = await vscode.commands.executeCommand<ExportResult | undefined>('dailies.export', {
      projectFile,
      format: 'otio',
      out: path.join(out, 'cut.otio'),
    });
    assert.ok(otio, 'dailies.export returned nothing (see the notification / log)');
    assert.equal(otio.shots, shots);
    assert.deepEqual(otio.slates, []);
    const timeline = JSON.parse(readFileSync(otio.file, 'utf8'));
    assert.equal(timeline.OTIO_SCHEMA, 'Timeline.1');
    assert.equal(timeline.tracks.children[0].children.length, shots);
    const pdf = await vscode.commands.executeCommand<ExportResult | undefined>('dailies.export', {
      projectFile,
      format: 'pdf',
      out: path.join(out, 'boards.pdf'),
    });
    assert.ok(pdf, 'the PDF export returned nothing');
    assert.equal(pdf.pages, 1 + Math.ceil(shots / 6));
    assert.equal(readFileSync(pdf.file).subarray(0, 5).toString(), '%PDF-');
  });

  // The palette's way in: the real quick picks (format, then where), no arguments but the production.
  for (const [format, row] of [
    ['csv', 'Shot list (CSV)'],
    ['otio', 'OpenTimelineIO'],
  ] as const) {
    test(`Export… through its quick picks writes the ${format.toUpperCase()} next to project.json`, async function () {
      this.timeout(180_000);
      if (!uiAvailable()) return this.skip();
      const project = JSON.parse(readFileSync(projectFile, 'utf8')) as {
        title: string;
        shots: { id: string }[];
      };
      const ids = project.shots.map((s) => s.id);
      const written = path.join(
        path.dirname(projectFile),
        `${project.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.${format}`,
      );
      await fs.rm(written, { force: true });
      try {
        const pickFormat = ui({ kind: 'quickpick', pick: [row] });
        const exported = vscode.commands.executeCommand<ExportResult | undefined>('dailies.export', {
          projectFile,
        });
        const formats = await pickFormat;
        assert.equal(formats.rows?.length, 5, JSON.stringify(formats.rows));
        const where = await ui({
          kind: 'quickpick',
          pick: ['Next to project.json'],
          screenshot: `15-export-${format}`,
        });
        assert.ok(
          where.rows?.some((r) => r.includes('Choose where to save')),
          `a save dialog is offered too: ${JSON.stringify(where.rows)}`,
        );
        const result = await exported;
        assert.ok(result, 'dailies.export returned nothing (see the notification / log)');
        assert.equal(result.file, written);
        const bytes = readFileSync(written);
        if (format === 'csv') {
          assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a BOM');
          const lines = bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
          assert.match(lines[0]!, /^id,scene,duration,in,out,take,status,model,cost,prompt,notes(,|$)/);
          assert.deepEqual(
            lines.slice(1).map((l) => l.split(',')[0]),
            ids,
            'one row per shot, in order',
          );
        } else {
          const timeline = JSON.parse(bytes.toString('utf8'));
          assert.equal(timeline.OTIO_SCHEMA, 'Timeline.1');
          const video = timeline.tracks.children.find((t: { kind: string }) => t.kind === 'Video');
          assert.deepEqual(
            video.children.map((c: { OTIO_SCHEMA: string; name: string }) => [c.OTIO_SCHEMA, c.name]),
            ids.map((id) => ['Clip.2', id]),
            'one clip per shot, named by its id, in order',
          );
        }
      } finally {
        await fs.rm(written, { force: true });
      }
    });
  }

  test("Import Editorial Cut… edits the open, unsaved project.json in place, keeping the user's own edit", async function () {
    this.timeout(120_000);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(projectFile));
    await vscode.window.showTextDocument(doc);
    await editorCaughtUp(doc);
    const original = doc.getText();
    const onDisk = readFileSync(projectFile, 'utf8');
    try {
      // The user's unsaved edit: a new title.
      const edit = new vscode.WorkspaceEdit();
      const at = original.indexOf('"Night Train"');
      edit.replace(
        doc.uri,
        new vscode.Range(doc.positionAt(at), doc.positionAt(at + 13)),
        '"Night Train (v2)"',
      );
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(doc.isDirty);
      // The editor's cut: the first shot trimmed to 2 s (48 frames at 24 fps).
      const edl = await vscode.commands.executeCommand<ExportResult | undefined>('dailies.export', {
        projectFile,
        format: 'edl',
        out: path.join(out, 'cut.edl'),
      });
      assert.ok(edl);
      const text = readFileSync(edl.file, 'utf8');
      const first = text.split('\n').find((l) => l.startsWith('001 '))!;
      const fields = first.split(/\s+/);
      const trimmed = first.replace(
        `${fields[5]} ${fields[6]} ${fields[7]}`,
        `00:00:02:00 ${fields[6]} 00:00:02:00`,
      );
      await fs.writeFile(edl.file, text.replace(first, trimmed));
      const report = await vscode.commands.executeCommand<ImportReport | undefined>('dailies.importCut', {
        projectFile,
        cutFile: edl.file,
        reorder: false,
      });
      assert.ok(report, 'dailies.importCut returned nothing (see the notification / log)');
      assert.equal(report.written, true);
      assert.deepEqual(
        report.changes.map((c) => [c.shotId, c.to]),
        [['s01-010', 2]],
      );
      assert.ok(doc.isDirty, 'the edit went into the open editor, not around it');
      assert.match(doc.getText(), /"Night Train \(v2\)"/, "the user's unsaved edit is still there");
      const shots = (parse(doc.getText()) as { shots: { id: string; duration?: number }[] }).shots;
      assert.deepEqual([shots[0]!.id, shots[0]!.duration], ['s01-010', 2]);
      assert.equal(readFileSync(projectFile, 'utf8'), onDisk, 'nothing written to disk behind the editor');
    } finally {
      const all = new vscode.WorkspaceEdit();
      all.replace(
        doc.uri,
        new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)),
        original,
      );
      await vscode.workspace.applyEdit(all);
      if (doc.isDirty) await doc.save();
    }
    assert.ok(existsSync(projectFile));
  });
});
