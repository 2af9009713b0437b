/** A shared link whose model could not be loaded: the reason, Retry, and what is shown meanwhile. */
import { retryLinkModel } from '../actions/model_actions';
import { useStore } from '../store/store';

export function LinkFailure() {
  const failure = useStore((s) => s.linkFailure);
  const status = useStore((s) => s.modelStatus);
  if (!failure) return null;
  return (
    <div className="error" role="alert" data-testid="link-failure">
      <p>
        This link’s model, <code>{failure.ref.model}</code>, could not be loaded: {failure.reason}
      </p>
      <p>
        The default model is shown meanwhile, with the link’s other settings; the address still names the link’s model.
      </p>
      <button
        type="button"
        data-testid="retry-model"
        disabled={status === 'loading'}
        onClick={() => void retryLinkModel()}
      >
        Retry
      </button>
    </div>
  );
}
