/**
 * The unread alert count in the header. Read after each navigation and otherwise at most once a
 * minute (never while the tab is hidden); pages that mark alerts read or upload an SBOM set or
 * refresh it at once.
 */
import * as api from './api';

export const alerts = $state<{ unread: number | null }>({ unread: null });

const pollMs = 60_000;
let timer: ReturnType<typeof setTimeout> | null = null;
let running = false;
let request = 0;
let lastAt = 0;

function schedule(): void {
  if (timer !== null) clearTimeout(timer);
  timer = running ? setTimeout(() => void refreshUnread(), pollMs) : null;
}

/** Reads the count now; the next poll comes a minute later. */
export async function refreshUnread(): Promise<void> {
  if (!running) return;
  if (document.visibilityState === 'hidden') {
    schedule();
    return;
  }
  const mine = ++request;
  lastAt = Date.now();
  try {
    const answer = await api.listNotifications({ per_page: 1 });
    if (mine === request) alerts.unread = answer.unread;
  } catch {
    // The count is a hint; a failure leaves the last one (a 401 signs out through api.ts).
  } finally {
    if (mine === request) schedule();
  }
}

/** Sets the count from an answer that carries it (the notifications page's own list). */
export function setUnread(unread: number): void {
  ++request;
  alerts.unread = unread;
  schedule();
}

/** Starts polling (the signed-in layout mounts); returns the function that stops it. */
export function startPolling(): () => void {
  running = true;
  const onVisible = (): void => {
    // Back on the tab: catch up if the last reading is older than a poll.
    if (document.visibilityState === 'visible' && Date.now() - lastAt >= pollMs) {
      void refreshUnread();
    }
  };
  document.addEventListener('visibilitychange', onVisible);
  return () => {
    running = false;
    ++request;
    document.removeEventListener('visibilitychange', onVisible);
    if (timer !== null) clearTimeout(timer);
    timer = null;
    alerts.unread = null;
  };
}
