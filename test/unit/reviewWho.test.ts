// Who signs a review: git's user.name read from git's own config files (no git process is started),
// the repository's config over the global one, a worktree's shared config, else undefined.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { gitUserName, userNameIn } from '../../src/core/review/who';
import { tempDir } from '../helpers/tempProject';

describe('reviewer name from git config', () => {
  it('reads [user] name with git syntax: quotes, escapes, comments, case, the last one set', () => {
    assert.equal(userNameIn('[user]\n\tname = Ana Reviewer\n'), 'Ana Reviewer');
    assert.equal(userNameIn('[User]\n  Name = "Ana  \\"A\\" R" # who\n'), 'Ana  "A" R');
    assert.equal(userNameIn('[user]\nname = Ana ; comment\nemail = a@b\n[user]\nname=Bo\n'), 'Bo');
    assert.equal(userNameIn('[core]\nname = Not me\n[user "x"]\nname = Nor me\n'), undefined);
    assert.equal(userNameIn('[user] name = Inline\n'), 'Inline');
    assert.equal(userNameIn('; [user]\n# name = x\n'), undefined);
  });

  it('the repository config wins over the global one; a worktree reads its shared config', async () => {
    const home = tempDir('dailies-who-home-');
    const env = { HOME: home, GIT_CONFIG_GLOBAL: path.join(home, 'gitconfig') };
    await fs.writeFile(env.GIT_CONFIG_GLOBAL, '[user]\n\tname = Global Person\n');
    const repo = tempDir('dailies-who-repo-');
    const project = path.join(repo, 'films', 'one');
    await fs.mkdir(project, { recursive: true });
    assert.equal(await gitUserName(project, env), 'Global Person', 'no repository: the global name');
    await fs.mkdir(path.join(repo, '.git'));
    await fs.writeFile(path.join(repo, '.git', 'config'), '[core]\n\tbare = false\n');
    assert.equal(await gitUserName(project, env), 'Global Person', 'a repository without a name');
    await fs.appendFile(path.join(repo, '.git', 'config'), '[user]\n\tname = Repo Person\n');
    assert.equal(await gitUserName(project, env), 'Repo Person');
    // A linked worktree: `.git` is a file naming its git dir, whose commondir holds the config.
    const wt = tempDir('dailies-who-wt-');
    const gitDir = path.join(repo, '.git', 'worktrees', 'wt');
    await fs.mkdir(gitDir, { recursive: true });
    await fs.writeFile(path.join(gitDir, 'commondir'), '../..\n');
    await fs.writeFile(path.join(wt, '.git'), `gitdir: ${gitDir}\n`);
    assert.equal(await gitUserName(wt, env), 'Repo Person');
    assert.equal(await gitUserName(wt, { HOME: tempDir('dailies-who-empty-') }), 'Repo Person');
    await fs.rm(path.join(repo, '.git'), { recursive: true });
    assert.equal(await gitUserName(project, { HOME: tempDir('dailies-who-empty-') }), undefined);
  });
});
