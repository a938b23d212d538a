// The client side's RPC failure (src/rpc/client.ts rejects calls with it), in a module of its own without
// node:net, so tsysctl's fast path (src/cli/ctl/fast.ts) and ctl/common.ts can name it without loading the
// socket stack.
import type { ErrorData } from './protocol';

export class RpcCallError extends Error {
  constructor(readonly code: number, message: string, readonly data: ErrorData = {}) { super(message); }
}

/** Error code used locally for transport failures (not sent by the server). */
export const TRANSPORT_ERROR = -32000;
