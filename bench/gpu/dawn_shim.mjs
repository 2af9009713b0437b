// Stands in for the `webgpu` package inside the packed GPU bench: loads the dawn.node copied next
// to the bundle (pack.sh), so the packed folder needs no node_modules.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { create, globals } = require(new URL('./dawn.node', import.meta.url).pathname);

export { create, globals };
