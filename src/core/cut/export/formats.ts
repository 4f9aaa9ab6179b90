// The hand-off formats and their default file names: the small table the VS Code commands need before
// any exporter (pdf-lib, fontkit, sharp) is loaded.

export const EXPORT_FORMATS = {
  otio: { ext: '.otio', label: 'OpenTimelineIO', timeline: true },
  fcpxml: { ext: '.xml', label: 'Final Cut Pro 7 XML (Premiere, Resolve)', timeline: true },
  edl: { ext: '.edl', label: 'CMX 3600 EDL', timeline: true },
  pdf: { ext: '.pdf', label: 'PDF boards', timeline: false },
  csv: { ext: '.csv', label: 'Shot list (CSV)', timeline: false },
} as const;

export type ExportFormat = keyof typeof EXPORT_FORMATS;

export function isExportFormat(v: unknown): v is ExportFormat {
  return typeof v === 'string' && Object.hasOwn(EXPORT_FORMATS, v);
}

export function defaultExportName(cut: { title: string }, format: ExportFormat): string {
  const slug =
    cut.title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'cut';
  return `${slug}${EXPORT_FORMATS[format].ext}`;
}
