import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ChimbaError } from '../domain/errors';

const run = promisify(execFile);

/** No Chromium to print with: the HTML is there, the PDF is not. */
export class PdfUnavailable extends ChimbaError {
  readonly code = 'pdf_unavailable';
  readonly retryable = false;
  override readonly status = 503;
}

/**
 * A PDF of an HTML page, printed by headless Chromium (the Debian package the dashboard
 * tests use; `CHROMIUM_PATH`), offline: the page carries its own styles and nothing else.
 */
export async function printPdf(page: string, chromium: string): Promise<Buffer> {
  if (!fs.existsSync(chromium))
    throw new PdfUnavailable(
      `no Chromium at ${chromium}: install chromium or set CHROMIUM_PATH (the HTML is available)`,
    );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chimba-pdf-'));
  try {
    const html = path.join(dir, 'page.html');
    const pdf = path.join(dir, 'page.pdf');
    fs.writeFileSync(html, page);
    await run(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--no-first-run',
        `--user-data-dir=${path.join(dir, 'profile')}`,
        '--no-pdf-header-footer',
        `--print-to-pdf=${pdf}`,
        `file://${html}`,
      ],
      { timeout: 60_000 },
    );
    return fs.readFileSync(pdf);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
