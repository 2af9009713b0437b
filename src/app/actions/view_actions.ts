/** Page-only view actions: the enlarged sample, and copying the address that restores the view. */
import { useStore } from '../store/store';
import { errorText, notify } from './worker_link';

export function openViewer(): void {
  useStore.setState({ viewerOpen: true });
}

export function closeViewer(): void {
  useStore.setState({ viewerOpen: false });
}

/** The address already carries every setting (see startup's replaceState). */
export async function copyLink(): Promise<void> {
  try {
    await navigator.clipboard.writeText(location.href);
    notify('info', 'Link copied: it opens this view, model and settings included.');
  } catch (e) {
    notify(
      'warning',
      `The browser did not let the page copy (${errorText(e)}). The link is the page address: ${location.href}`,
    );
  }
}
