/** Page layout: controls on the left; samples, interpolation and history on the right; notices; drop anywhere. */
import { BackendPicker } from './components/BackendPicker';
import { ChunkList } from './components/ChunkList';
import { ClassPicker } from './components/ClassPicker';
import { DirectionsPanel } from './components/DirectionsPanel';
import { DropOverlay } from './components/DropOverlay';
import { HistoryPanel } from './components/HistoryPanel';
import { InterpolationPanel } from './components/InterpolationPanel';
import { Intro } from './components/Intro';
import { ModelPanel } from './components/ModelPanel';
import { Notices } from './components/Notices';
import { SampleArea } from './components/SampleArea';
import { SampleViewer } from './components/SampleViewer';
import { SeedControl } from './components/SeedControl';
import { TruncationControl } from './components/TruncationControl';
import { TruncationStrip } from './components/TruncationStrip';
import { VariationsPanel } from './components/VariationsPanel';

export function App() {
  return (
    <div className="app">
      <header className="topbar">
        <h1>
          BigGAN <span>Explorer</span>
        </h1>
        <BackendPicker />
      </header>
      <Notices />
      <main className="layout">
        <aside className="controls" aria-label="Controls">
          <ModelPanel />
          <ClassPicker />
          <TruncationControl />
          <SeedControl />
          <ChunkList />
          <DirectionsPanel />
        </aside>
        <div className="outputs">
          <Intro />
          <SampleArea />
          <TruncationStrip />
          <VariationsPanel />
          <InterpolationPanel />
          <HistoryPanel />
        </div>
      </main>
      <DropOverlay />
      <SampleViewer />
    </div>
  );
}
