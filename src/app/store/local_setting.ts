/**
 * A setting remembered in localStorage where the browser allows it. Where it does not (private
 * mode, blocked storage), reads give null and writes are dropped: the setting lasts for this visit.
 */
export function readLocal(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Stores `value`, or removes the key for null. */
export function writeLocal(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage blocked: remembered for this visit only.
  }
}
