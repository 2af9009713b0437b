/** Whether the intro shows: open until dismissed, then remembered in localStorage (where there is one). */
import { useSyncExternalStore } from 'react';

const KEY = 'biggan-explorer.intro-dismissed';
const listeners = new Set<() => void>();

function readDismissed(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false; // storage blocked: the intro shows each visit
  }
}

let dismissed = readDismissed();

function set(value: boolean): void {
  dismissed = value;
  try {
    if (value) localStorage.setItem(KEY, '1');
    else localStorage.removeItem(KEY);
  } catch {
    // storage blocked: remembered for this visit only
  }
  for (const l of listeners) l();
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function useIntro(): { open: boolean; dismiss: () => void; show: () => void } {
  const isDismissed = useSyncExternalStore(subscribe, () => dismissed);
  return { open: !isDismissed, dismiss: () => set(true), show: () => set(false) };
}
