// The README that ships inside the VSIX. VS Code shows it on the extension's details page in a webview
// with no base URL and a CSP of `img-src https: data:`, so a relative image (docs/screenshot.png) never
// loads there, and Dailies has no public repository to point absolute URLs at. The images are inlined
// as data: URLs (VS Code's sanitizer keeps data: images), and relative links to files the VSIX does not
// make reachable become plain text naming the file.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

const isRelative = (url: string): boolean =>
  !/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('#') && !url.startsWith('/');

/** `md` with its relative images inlined from `repo` and its relative links unlinked. */
export function packagedReadme(md: string, repo: string): string {
  const withImages = md.replace(
    /!\[([^\]]*)\]\(\s*([^)\s]+)(\s+"[^"]*")?\s*\)/g,
    (whole: string, alt: string, src: string, title: string | undefined) => {
      if (!isRelative(src)) return whole;
      const file = path.resolve(repo, decodeURI(src));
      if (path.relative(repo, file).startsWith('..'))
        throw new Error(`README image outside the repository: ${src}`);
      const mime = MIME[path.extname(file).toLowerCase()];
      if (!mime) throw new Error(`README image of an unsupported type (png, jpeg, gif, webp): ${src}`);
      return `![${alt}](data:${mime};base64,${readFileSync(file).toString('base64')}${title ?? ''})`;
    },
  );
  return withImages.replace(
    /(?<!!)\[([^\]]+)\]\(\s*([^)\s]+)\s*\)/g,
    (whole: string, text: string, href: string) => {
      if (!isRelative(href)) return whole;
      return text.replaceAll('`', '') === href ? text : `${text} (\`${href}\`)`;
    },
  );
}
