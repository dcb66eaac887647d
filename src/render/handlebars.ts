import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { RenderError } from '../errors.js';
import { templatesDir } from '../util/paths.js';

/**
 * The one Handlebars environment of the renderer. Templates are files under `templates/`, named by
 * their path without `.hbs` (`document/cover`). Every `{{value}}` is HTML-escaped; no template uses
 * the unescaped `{{{…}}}` form (a test greps for it) and no helper returns markup, so the only HTML
 * in a document is the templates' own. Partials are templates too, registered on first use.
 * Helper names carry a hyphen (`format-date`) so they never shadow a field of the view.
 */
const env = Handlebars.create();
const compiled = new Map<string, Handlebars.TemplateDelegate>();

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `2026-01-31` → `31 January 2026` (the date is taken as written: no time zone shifts it). */
export function formatLongDate(isoDate: string): string {
  const [y, m, d] = isoDate.slice(0, 10).split('-').map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

/** `2026-01-31T14:05:09Z` → `31 January 2026 14:05 UTC`. */
export function formatTimestamp(isoTimestamp: string): string {
  return `${formatLongDate(isoTimestamp)} ${isoTimestamp.slice(11, 16)} UTC`;
}

/** Digit grouping without the host's locale, so output is the same everywhere: 1234567.5 → 1,234,567.5. */
export function formatNumber(value: number): string {
  const [int, frac] = String(Math.abs(value)).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value < 0 ? '−' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

env.registerHelper('format-date', (value: unknown) => (typeof value === 'string' ? formatLongDate(value) : ''));
env.registerHelper('format-timestamp', (value: unknown) => (typeof value === 'string' ? formatTimestamp(value) : ''));
env.registerHelper('format-number', (value: unknown) => (typeof value === 'number' ? formatNumber(value) : ''));

function templateFile(name: string): string {
  if (!/^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/.test(name)) throw new RenderError(`template name "${name}" is not a path of lower-case words under templates/`);
  return path.join(templatesDir, `${name}.hbs`);
}

function readTemplate(name: string): string {
  const file = templateFile(name);
  if (!existsSync(file)) throw new RenderError(`template ${file} does not exist`);
  return readFileSync(file, 'utf8');
}

/** Registers a template as a partial (once), so other templates can include it by name. */
export function ensurePartial(name: string): string {
  if (!env.partials[name]) env.registerPartial(name, readTemplate(name));
  return name;
}

/** Renders `templates/<name>.hbs` with `context`; the partials it names must be registered with `ensurePartial`. */
export function renderTemplate(name: string, context: object): string {
  let template = compiled.get(name);
  if (!template) {
    template = env.compile(readTemplate(name), { preventIndent: true });
    compiled.set(name, template);
  }
  try {
    return template(context, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
  } catch (error) {
    throw new RenderError(`template ${name}: ${(error as Error).message}`, { cause: error });
  }
}
