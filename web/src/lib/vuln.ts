/** How findings, advisories and alerts read: scores, EPSS, ages, alert titles. */
import { prefs, t, tDynamic } from './i18n.svelte';
import { formatDate, formatNumber, toYmd } from './format';
import type { AppNotification } from './types';

/** A CVSS score with one decimal (9.8). */
export function formatScore(score: number): string {
  return new Intl.NumberFormat(prefs.locale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(score);
}

/** An EPSS probability (0–1) as a percentage: 0.25 → 25.0%. */
export function formatEpss(value: number | null | undefined): string {
  if (value === null || value === undefined) return t('common.none');
  return new Intl.NumberFormat(prefs.locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(value);
}

/** Whole days from an RFC 3339 moment until now (0 for today or a bad value). */
export function daysSince(value: string | null | undefined, now = Date.now()): number {
  if (!value) return 0;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return 0;
  return Math.max(0, Math.floor((now - at) / 86_400_000));
}

/** The local calendar date of an RFC 3339 moment, 民國 or Gregorian per the user's choice. */
export function formatDay(value: string | null | undefined): string {
  if (!value) return t('common.none');
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return value;
  // Feeds write 0001-01-01 for "unknown" (the Go vulnerability database does).
  return at.getFullYear() < 1970 ? t('common.none') : formatDate(toYmd(at));
}

export function formatDays(days: number): string {
  return t('common.days', { days: formatNumber(days) });
}

/**
 * An alert's title in the reader's language, from its details; the server's (English) title
 * for kinds the UI does not know.
 */
export function notificationTitle(notification: AppNotification): string {
  const details = notification.details ?? {};
  const system = details.system_key ?? '';
  const count = details.new_vulnerabilities;
  if (count === undefined || !system) return notification.title;
  return tDynamic(`notification.title.${notification.kind}`, notification.title, {
    system,
    count: formatNumber(count),
    sequence: details.sequence ?? '',
  });
}
