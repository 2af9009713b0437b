/** The one worker client of the page, and notices (module-level actions on the store). */
import { startWorker, type WorkerClient } from '../../worker/client';
import { useStore } from '../store/store';
import type { Notice } from '../store/runtime_slice';

let client: WorkerClient | null = null;

export function worker(): WorkerClient {
  client ??= startWorker();
  return client;
}

let nextNotice = 1;
const MAX_NOTICES = 4;
/** How long a notice stays by itself (errors longest: they say what went wrong). */
const NOTICE_MS: Record<Notice['level'], number> = { info: 8000, warning: 20_000, error: 30_000 };

/** Shows a notice; the same text again replaces the older one, and only the newest few stay. */
export function notify(level: Notice['level'], text: string): void {
  const notice: Notice = { id: nextNotice++, level, text };
  useStore.setState((s) => ({ notices: [...s.notices.filter((n) => n.text !== text), notice].slice(-MAX_NOTICES) }));
  setTimeout(() => dismissNotice(notice.id), NOTICE_MS[level]);
}

export function dismissNotice(id: number): void {
  useStore.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}

export function dismissAllNotices(): void {
  useStore.setState({ notices: [] });
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
