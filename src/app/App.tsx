/** Page layout: controls on the left; samples, interpolation and history on the right; notices; drop anywhere. */
import { BackendPicker } from './components/BackendPicker';
import { ChunkList } from './components/ChunkList';
import { ClassPicker } from './components/ClassPicker';
import { DropOverlay } from './components/DropOverlay';
import { HistoryPanel } from './components/HistoryPanel';
import { InterpolationPanel } from './components/InterpolationPanel';
import { Intro } from './components/Intro';
import { ModelPanel } from './components/ModelPanel';
import { Notices } from './components/Notices';
import { SampleArea } from './components/SampleArea';
import { SeedControl } from './components/SeedControl';
import { TruncationControl } from './components/TruncationControl';

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
        </aside>
        <div className="outputs">
          <Intro />
          <SampleArea />
          <InterpolationPanel />
          <HistoryPanel />
        </div>
      </main>
      <DropOverlay />
    </div>
  );
}
