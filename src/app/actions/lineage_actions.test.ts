import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../worker/protocol';
import { useStore } from '../store/store';
import { followLineage } from './lineage_actions';

const model = (contentHash: string) => ({ topology: { contentHash } }) as unknown as ModelInfo;

describe('lineage after a model change', () => {
  it("forgets the crossbreed's parents and its slot pick, which the next model's slots need not fit", () => {
    useStore.setState({ modelInfo: model('six-slots'), crossPick: 'abbaab' });
    const prev = useStore.getState();
    useStore.setState({ modelInfo: model('eight-slots') });
    followLineage(useStore.getState(), prev);
    const s = useStore.getState();
    expect([s.crossA, s.crossB, s.crossPick]).toEqual([null, null, null]);
  });
});
