/** Entry of the generator worker: every message goes to the Handler. */
import { Handler } from './handler';
import type { Request, Response } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const handler = new Handler((msg: Response, transfer?: Transferable[]) => scope.postMessage(msg, transfer ?? []));
scope.onmessage = (e: MessageEvent<Request>) => void handler.handle(e.data);
