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
const MAX_NOTICES = 5;

export function notify(level: Notice['level'], text: string): void {
  const notice: Notice = { id: nextNotice++, level, text };
  useStore.setState((s) => ({ notices: [...s.notices, notice].slice(-MAX_NOTICES) }));
  if (level === 'info') setTimeout(() => dismissNotice(notice.id), 8000);
}

export function dismissNotice(id: number): void {
  useStore.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
