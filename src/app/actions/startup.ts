/**
 * Page start: read the address, start the worker's backend, load the model it names (or the
 * default), then keep the samples and the address in step with the settings.
 */
import { useStore } from '../store/store';
import { buildSearch, parseUrlState } from '../url_state';
import { initBackend } from './backend_actions';
import { loadHistory, rememberWhenSettled } from './history_actions';
import { watchLineage } from './lineage_actions';
import { applyLinkEdits } from './direction_actions';
import { followModelScale } from './export_actions';
import { detectVideo } from './interp_actions';
import { openLinkModel, refreshCached } from './model_actions';
import { renderInputsChanged, scheduleRender } from './render_actions';
import { refreshStrip } from './strip_actions';
import { notify } from './worker_link';

let started = false;

export async function startApp(): Promise<void> {
  if (started) return;
  started = true;
  const parsed = parseUrlState(location.search);
  useStore.setState(parsed.settings);
  if (parsed.notices.length > 0)
    notify('warning', ['Some values in the address were ignored:', ...parsed.notices].join('\n'));

  useStore.subscribe((s, prev) => {
    if (renderInputsChanged(s, prev)) scheduleRender();
    if (s.modelInfo && s.modelInfo !== prev.modelInfo) followModelScale(s.modelInfo.architecture.resolution);
    const finished = prev.rendering && !s.rendering && !s.renderError;
    if (finished || (s.current !== prev.current && !s.rendering)) rememberWhenSettled();
    if ((prev.rendering && !s.rendering) || (s.current !== prev.current && !s.rendering)) void refreshStrip();
    // While a shared link's model failed to load, the address stays the link (see openLinkModel).
    if (
      s.modelInfo &&
      !s.linkFailure &&
      (renderInputsChanged(s, prev) ||
        s.modelRef !== prev.modelRef ||
        s.backendChoice !== prev.backendChoice ||
        s.current !== prev.current)
    ) {
      const search = buildSearch(s, s.modelRef);
      if (search !== location.search) history.replaceState(null, '', search);
    }
  });

  watchLineage();
  void loadHistory();
  void detectVideo();
  await initBackend(useStore.getState().backendChoice);
  void refreshCached();
  const pending = { classSpec: parsed.classSpec, slotOverrides: parsed.slotOverrides };
  await openLinkModel(parsed.modelRef, pending);
  await applyLinkEdits(parsed.directionEdits);
}
