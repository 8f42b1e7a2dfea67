/**
 * An error as a banner shows it: the translated message, then what the server said (when it says
 * more than the translation, e.g. why a 403 was refused) and, on request, the fields at fault.
 */
import { ApiError } from './api';
import { t, translateError, translateFieldError } from './i18n.svelte';

export interface Problem {
  message: string;
  details: string[];
  /** Field errors as codes, for forms that show them next to their fields. */
  fields: Record<string, string[]>;
  status: number;
}

export function problemOf(caught: unknown, options: { listFields?: boolean } = {}): Problem {
  const message = translateError(caught);
  if (!(caught instanceof ApiError)) return { message, details: [], fields: {}, status: 0 };
  const details: string[] = [];
  const server = caught.message.trim();
  if (caught.status !== 0 && server && !server.startsWith('HTTP ') && server !== message) {
    details.push(t('problem.server', { message: server }));
  }
  if (options.listFields) {
    for (const [field, codes] of Object.entries(caught.fields)) {
      const words = codes.map((code) => translateFieldError(code, '', field)).join('；');
      details.push(t('problem.field', { field, message: words }));
    }
  }
  return { message, details, fields: caught.fields, status: caught.status };
}

/** The message for a field's first error, or '' when it has none. */
export function fieldMessage(problem: Problem | null, field: string): string {
  const code = problem?.fields[field]?.[0];
  return code ? translateFieldError(code, '', field) : '';
}
