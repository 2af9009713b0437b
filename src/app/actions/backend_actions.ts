/** Backend start-up and switching; a backend the worker had to change by itself is announced. */
import type { BackendChoice, BackendState } from '../../worker/protocol';
import { useStore } from '../store/store';
import { cancelRender, renderNow } from './render_actions';
import { errorText, notify, worker } from './worker_link';

export async function initBackend(choice: BackendChoice): Promise<void> {
  const client = worker();
  client.onEvent((e) => {
    if (e.kind === 'backendChanged') {
      useStore.setState({ backend: e.backend });
      notify('warning', e.message);
      renderNow();
    }
  });
  useStore.setState({ backendBusy: true });
  try {
    const state = await client.request({ type: 'init', backend: choice }).promise;
    useStore.setState({ backend: state });
    announceFallback(choice, state);
  } catch (e) {
    notify('error', errorText(e));
  } finally {
    useStore.setState({ backendBusy: false });
  }
}

export async function chooseBackend(choice: BackendChoice): Promise<void> {
  cancelRender();
  useStore.setState({ backendChoice: choice, backendBusy: true });
  try {
    const state = await worker().request({ type: 'setBackend', backend: choice }).promise;
    useStore.setState({ backend: state });
    announceFallback(choice, state);
    renderNow();
  } catch (e) {
    notify('error', `Could not switch backend: ${errorText(e)}`);
  } finally {
    useStore.setState({ backendBusy: false });
  }
}

function announceFallback(choice: BackendChoice, state: BackendState): void {
  if (state.notice) notify('warning', state.notice);
  else if (choice !== 'auto' && state.name !== choice)
    notify('warning', `${choice.toUpperCase()} could not start here; using ${state.name.toUpperCase()}.`);
}
