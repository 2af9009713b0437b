/** Whether the intro shows: open until dismissed, then remembered in localStorage (where there is one). */
import { useSyncExternalStore } from 'react';
import { readLocal, writeLocal } from './local_setting';

const KEY = 'biggan-explorer.intro-dismissed';
const listeners = new Set<() => void>();

// Where storage is blocked this reads false: the intro shows each visit.
let dismissed = readLocal(KEY) === '1';

function set(value: boolean): void {
  dismissed = value;
  writeLocal(KEY, value ? '1' : null);
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
