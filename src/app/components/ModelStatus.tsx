/** One line saying which model draws, or what is loading. */
import { familyLabel } from '../../core/config/architecture';
import { describeProgress, formatBytes } from '../format';
import { useStore } from '../store/store';

export function ModelStatus() {
  const status = useStore((s) => s.modelStatus);
  const info = useStore((s) => s.modelInfo);
  const loadingLabel = useStore((s) => s.loadingLabel);
  const progress = useStore((s) => s.loadProgress);
  let text: string;
  if (status === 'loading') {
    text = `Loading ${loadingLabel ?? 'model'}…${progress ? ` ${describeProgress(progress).text}` : ''}`;
  } else if (info) {
    const a = info.architecture;
    text = `${info.label} · ${familyLabel(a)} ${a.resolution}px · ${a.numClasses} classes · ${formatBytes(info.weightBytes)}${info.fromCache ? ' · offline copy' : ''}`;
  } else if (status === 'error') {
    text = 'No model loaded';
  } else {
    text = 'Starting…';
  }
  return (
    <p className="model-status" data-testid="model-status" data-status={status}>
      {text}
    </p>
  );
}
