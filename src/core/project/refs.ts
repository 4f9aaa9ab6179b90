// The ref half of validation: every image a project names (cast refs, scene decor, shot refs) must be a
// file inside the project that sharp can read the header of (or an https URL). Each problem is an issue at
// the ref's own JSON path and line:column — the CLI's `validate`, `render` and the editor's Problems all
// get it from here. The shots it fails are the ones whose model is sent the ref: the planner finds those
// with the same checker (same pass, same answer), so validation and rendering cannot disagree.
import type { DailiesError } from '../util/errors';
import { mapLimit } from '../util/mapLimit';
import type { Project } from './schema';
import { locateIssues, type ProjectIssue, type RawIssue } from './validate';

export interface RefChecker {
  /** Why a ref cannot be used, or undefined. Called once per distinct ref string. */
  problem(ref: string): Promise<DailiesError | undefined>;
}

interface RefSite {
  pointer: string;
  ref: string;
}

const MAX_REF_ISSUES = 100;

export async function refIssues(
  project: Project,
  text: string,
  checker: RefChecker,
): Promise<ProjectIssue[]> {
  const sites = refSites(project);
  const distinct = [...new Set(sites.map((s) => s.ref))];
  const problems = new Map<string, DailiesError>();
  await mapLimit(distinct, 16, async (ref) => {
    const problem = await checker.problem(ref);
    if (problem) problems.set(ref, problem);
  });
  if (problems.size === 0) return [];
  const raw: RawIssue[] = [];
  for (const site of sites) {
    const problem = problems.get(site.ref);
    if (!problem) continue;
    raw.push({ pointer: site.pointer, message: problem.message, severity: 'error', code: 'ref' });
    if (raw.length >= MAX_REF_ISSUES) break;
  }
  return locateIssues(text, raw);
}

function refSites(project: Project): RefSite[] {
  const sites: RefSite[] = [];
  const add = (refs: string[] | undefined, base: string) => {
    refs?.forEach((ref, j) => {
      sites.push({ pointer: `${base}/${j}`, ref });
    });
  };
  for (const [i, member] of (project.cast ?? []).entries()) add(member.refs, `/cast/${i}/refs`);
  for (const [i, scene] of (project.scenes ?? []).entries()) add(scene.decor, `/scenes/${i}/decor`);
  for (const [i, shot] of project.shots.entries()) add(shot.refs, `/shots/${i}/refs`);
  return sites;
}
