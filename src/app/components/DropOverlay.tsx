/** Files dropped anywhere on the page: an image restores an exported sample, anything else loads as a model. */
import { useEffect, useState } from 'react';
import { loadFiles } from '../actions/model_actions';
import { restoreFromFile } from '../actions/restore_actions';

/** A single image (by type or name) is a sample to restore, never a checkpoint. */
function isImageFile(files: File[]): boolean {
  return (
    files.length === 1 && (files[0].type.startsWith('image/') || /\.(png|jpe?g|gif|webp|bmp)$/i.test(files[0].name))
  );
}

export function DropOverlay() {
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setOver(true);
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const overFn = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length === 0) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      void (isImageFile(files) ? restoreFromFile(files[0]) : loadFiles(files));
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overFn);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overFn);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return over ? (
    <div className="drop-overlay" aria-hidden="true">
      <p>
        Drop a PNG exported by BigGAN Explorer to restore its sample, or a checkpoint (+ config.json) or converted model
        files to open them
      </p>
    </div>
  ) : null;
}
