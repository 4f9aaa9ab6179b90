// A stand-in for a person (or their editor) editing project.json: read, change a shot's notes, save with
// a plain in-place write — no lock, like VS Code does. Each edit appends a unique marker so a test can
// prove none was lost. It saves every 50–150 ms: several saves a second, far faster than any person.
// Usage: userEditor.ts <project.json> <edits>
import { promises as fs } from 'node:fs';

async function main(): Promise<void> {
  const [file, countArg] = process.argv.slice(2);
  const count = Number(countArg ?? '50');
  for (let k = 0; k < count; k++) {
    for (let attempt = 0; ; attempt++) {
      const text = await fs.readFile(file!, 'utf8');
      const marker = `[edit ${k}]`;
      // Edit the k-th shot's notes in place, textually, the way a person would.
      const i = k % 40;
      const re = new RegExp(`("id": "s${i}",\\s*"prompt": "[^"]*",\\s*"notes": ")([^"]*)(")`);
      if (!re.test(text)) {
        if (attempt > 50) throw new Error(`shot s${i} not found`);
        await new Promise((r) => setTimeout(r, 2));
        continue;
      }
      const next = text.replace(re, `$1$2${marker}$3`);
      // Like an editor's save: it only saves if the buffer is what it read (otherwise it reloads first).
      if ((await fs.readFile(file!, 'utf8')) !== text) continue;
      await fs.writeFile(file!, next);
      process.send?.({ saved: k + 1 }); // lets a test pace its batch by the edits (see concurrentEdits)
      break;
    }
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
