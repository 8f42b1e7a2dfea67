/** Dates (民國 or Gregorian, per the user's choice) and numbers, in the current language. */
import { prefs, t } from './i18n.svelte';

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function formatYmd(year: number, month: number, day: number): string {
  if (prefs.dateFormat === 'roc' && year > 1911) {
    return `${year - 1911}/${pad(month)}/${pad(day)}`;
  }
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** A `YYYY-MM-DD` date as 民國 (115/11/21) or Gregorian (2026-11-21), per the user's choice. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return t('common.none');
  const match = isoDate.exec(value);
  if (!match) return value;
  return formatYmd(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** An RFC 3339 timestamp in the browser's time zone, with the date shown per the user's choice. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return t('common.none');
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return value;
  return `${formatYmd(at.getFullYear(), at.getMonth() + 1, at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(prefs.locale).format(value);
}

export function formatMoney(value: number): string {
  return `NT$ ${formatNumber(value)}`;
}

/** Today's date in the browser's time zone as `YYYY-MM-DD`. */
export function today(): string {
  return toYmd(new Date());
}

/** `YYYY-MM-DD` of a date in the browser's time zone. */
export function toYmd(at: Date): string {
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** The date `days` after `YYYY-MM-DD` (local calendar). */
export function addDays(ymd: string, days: number): string {
  const match = isoDate.exec(ymd);
  if (!match) return ymd;
  return toYmd(new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days));
}

/**
 * A local moment of a `YYYY-MM-DD` date: its first second, or its last with `endOfDay`; null for
 * anything but a valid date.
 */
export function localMoment(ymd: string, endOfDay = false): Date | null {
  const match = isoDate.exec(ymd);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = endOfDay
    ? new Date(year, month - 1, day, 23, 59, 59)
    : new Date(year, month - 1, day, 0, 0, 0);
  return at.getFullYear() === year && at.getMonth() === month - 1 && at.getDate() === day
    ? at
    : null;
}

/** RFC 3339 in the browser's offset, to the second (`2026-05-01T23:59:59+08:00`). */
export function toRfc3339(at: Date): string {
  const offset = -at.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const hours = pad(Math.floor(Math.abs(offset) / 60));
  const minutes = pad(Math.abs(offset) % 60);
  return `${toYmd(at)}T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}${sign}${hours}:${minutes}`;
}
