/** How a status looks: a Mantine colour and a one-character icon. */
export interface StatusLook {
  color: string;
  icon: string;
}

const looks: Record<string, StatusLook> = {
  Succeeded: { color: 'green', icon: '✓' },
  Failed: { color: 'red', icon: '✕' },
  Pending: { color: 'gray', icon: '○' },
  Queued: { color: 'gray', icon: '…' },
  Running: { color: 'blue', icon: '▶' },
  Suspended: { color: 'yellow', icon: '‖' },
  Terminating: { color: 'grape', icon: '■' },
  Terminated: { color: 'grape', icon: '■' },
  Skipped: { color: 'gray', icon: '↷' },
};

/**
 * The look of a release, step or task status: green Succeeded, red Failed, grey Pending and
 * Queued, blue Running, yellow Suspended, purple Terminating and Terminated. Unknown: grey `?`.
 */
export function statusLook(status: string): StatusLook {
  return looks[status] ?? { color: 'gray', icon: '?' };
}

/** A duration for people: `850ms`, `12s`, `4m 05s`, `2h 03m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** Milliseconds from `start` to `end` (ISO 8601), or undefined when either is missing. */
export function durationBetween(start: string | undefined, end: string | undefined): number | undefined {
  if (start === undefined || end === undefined) return undefined;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A date and time for people, in the browser's zone: `2026-11-26 15:31`. */
export function formatDateTime(iso: string | undefined): string {
  if (iso === undefined) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A time of day for people, in the browser's zone: `15:31:02`. */
export function formatTime(iso: string | undefined): string {
  if (iso === undefined) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toTimeString().slice(0, 8);
}
