/**
 * What this page is, for someone who lands on it: BigGAN in two sentences, where the models come
 * from, and what each control does. Dismissed once, it stays closed (localStorage); "About" opens it.
 */
import { useIntro } from '../store/intro';

const PAPER = 'https://arxiv.org/abs/1809.11096';
const BIGGAN_PYTORCH = 'https://github.com/ajbrock/BigGAN-PyTorch';
const DEEP_PORT = 'https://github.com/huggingface/pytorch-pretrained-BigGAN';
const DEEP_WEIGHTS = 'https://huggingface.co/osanseviero/BigGAN-deep-128';
const TFHUB = 'https://tfhub.dev/deepmind/biggan-128/2';

const CONTROLS: [string, string][] = [
  [
    'Model',
    'which generator draws: the bundled one (instant, offline) or a released ImageNet model (downloaded once, then kept in this browser).',
  ],
  ['Class', 'what to draw; blend up to 4 classes to get something in between.'],
  [
    'Truncation',
    'how far z may stray from the average: low gives clean, typical images that all look alike; high gives variety and more failures. The strip below the samples shows the trade.',
  ],
  [
    'Seed and batch',
    'the seed fixes z (the same seed gives the same image on every machine); a batch shows consecutive seeds.',
  ],
  [
    'Latent chunks',
    'the parts of z each generator block reads: lock one to keep it while the rest changes, resample one alone, or scale it with its strength.',
  ],
  [
    'Export, interpolation, history',
    'PNGs carry their settings (drop one back to restore it); walk from sample A to B as a GIF or video; recent samples are kept here.',
  ],
];

export function Intro() {
  const { open, dismiss } = useIntro();
  if (!open) return null;
  return (
    <section className="panel intro" data-testid="intro" aria-labelledby="intro-title">
      <div className="panel-head">
        <h2 id="intro-title">What is this?</h2>
        <button type="button" className="link-button" data-testid="intro-dismiss" onClick={dismiss}>
          Got it, hide this
        </button>
      </div>
      <p>
        <strong>BigGAN</strong> (Brock, Donahue and Simonyan,{' '}
        <a href={PAPER} target="_blank" rel="noreferrer">
          “Large Scale GAN Training for High Fidelity Natural Image Synthesis”
        </a>
        , 2018) is a generative adversarial network: from a class and a vector of random numbers z, its generator paints
        an image. This page runs such generators on your own device; nothing is uploaded.
      </p>
      <p className="help">
        Models: the bundled one is a small BigGAN trained for this page on Fashion-MNIST (10 kinds of clothing, 32 px,
        grey), with{' '}
        <a href={BIGGAN_PYTORCH} target="_blank" rel="noreferrer">
          BigGAN-PyTorch
        </a>
        ’s architecture. The ImageNet models are DeepMind’s released weights: BigGAN-deep as{' '}
        <a href={DEEP_PORT} target="_blank" rel="noreferrer">
          ported to PyTorch
        </a>{' '}
        (e.g.{' '}
        <a href={DEEP_WEIGHTS} target="_blank" rel="noreferrer">
          on Hugging Face
        </a>
        ) and the original BigGAN from{' '}
        <a href={TFHUB} target="_blank" rel="noreferrer">
          TF Hub
        </a>
        .
      </p>
      <details className="more">
        <summary>What each control does</summary>
        <dl className="intro-controls">
          {CONTROLS.map(([name, what]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </details>
    </section>
  );
}

/** The header's way back to the intro once it was hidden. */
export function AboutButton() {
  const { open, show } = useIntro();
  return open ? null : (
    <button type="button" className="link-button" data-testid="intro-open" onClick={show}>
      About
    </button>
  );
}
