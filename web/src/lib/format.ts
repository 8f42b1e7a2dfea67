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
  const now = new Date();
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
