// JSON-RPC 2.0 request dispatch for the control server: parse, validate, batches, notifications and the
// standard error objects, with the semantics (codes, messages, batch rules) of jayson's Server.call.
// jayson does the request validation and builds the response objects (jayson/lib/utils: about 0.5 MiB in
// the manager, and it loads node's crypto, ~10 ms: so on the first request, not at the manager's start).
// Its Server class is not used: its module loads every jayson transport (http, https, tls, websocket → ws,
// zlib), about 9 MiB of RSS for code the manager never runs; the server only ever needed Server.call,
// which is the loop below.
// Invariants: `done` is called exactly once per call; with no argument for a notification or a batch of
// only notifications, else with one response object or an array of them.

/** The parts of jayson/lib/utils used here (the module has no type declarations of its own). */
interface JaysonUtils {
  response(error: unknown, result: unknown, id: unknown, version: 2): RpcResponse;
  Request: { isValidRequest(request: unknown, version: 2): boolean };
  Response: { isValidError(error: unknown, version: 2): boolean };
}
let jaysonMod: JaysonUtils | null = null;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jayson = (): JaysonUtils => (jaysonMod ??= require('jayson/lib/utils') as JaysonUtils);

/** A method handler: resolves with the result, rejects with a JSON-RPC error object (else → internal error). */
export type RpcHandler<C> = (params: unknown, ctx: C) => Promise<unknown>;

export const RPC_ERRORS = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  INVALID_REQUEST_MAX_BATCH_LENGTH_EXCEEDED: -32099,
} as const;

const MESSAGES: Record<number, string> = {
  [RPC_ERRORS.PARSE_ERROR]: 'Parse Error',
  [RPC_ERRORS.INVALID_REQUEST]: 'Invalid request',
  [RPC_ERRORS.METHOD_NOT_FOUND]: 'Method not found',
  [RPC_ERRORS.INVALID_PARAMS]: 'Invalid method parameter(s)',
  [RPC_ERRORS.INTERNAL_ERROR]: 'Internal error',
  [RPC_ERRORS.INVALID_REQUEST_MAX_BATCH_LENGTH_EXCEEDED]: 'Invalid request: Maximum batch length exceeded',
};

export interface RpcResponse { jsonrpc: '2.0'; id: string | number | null; result?: unknown; error?: unknown }

interface Req { jsonrpc: '2.0'; method: string; params?: unknown; id?: string | number | null }

function errorObject(code: number, data?: unknown): { code: number; message: string; data?: unknown } {
  const e: { code: number; message: string; data?: unknown } = { code, message: MESSAGES[code] ?? '' };
  if (data !== undefined) e.data = data;
  return e;
}

function response(error: unknown, result: unknown, id: unknown): RpcResponse {
  // JSON-RPC 2.0 wants a result member on success: a handler resolving with nothing answers null.
  return jayson().response(error || null, result === undefined ? null : result, id, 2);
}

function isValidRequest(r: unknown): r is Req { return jayson().Request.isValidRequest(r, 2); }

function isValidError(e: unknown): boolean { return jayson().Response.isValidError(e, 2); }

export class RpcDispatcher<C> {
  constructor(private readonly methods: ReadonlyMap<string, RpcHandler<C>>, private readonly maxBatchLength: number) {}

  /** Dispatch one request line (or an already parsed request). */
  call(request: unknown, ctx: C, done: (out?: RpcResponse | RpcResponse[]) => void): void {
    let req = request;
    if (typeof request === 'string') {
      try { req = JSON.parse(request); } catch (e) {
        done(response(errorObject(RPC_ERRORS.PARSE_ERROR, e), undefined, null));
        return;
      }
    }
    if (Array.isArray(req)) {
      if (req.length === 0) { done(response(errorObject(RPC_ERRORS.INVALID_REQUEST), undefined, null)); return; }
      if (this.maxBatchLength >= 0 && req.length > this.maxBatchLength) {
        done(response(errorObject(RPC_ERRORS.INVALID_REQUEST_MAX_BATCH_LENGTH_EXCEEDED), undefined, null));
        return;
      }
      this.batch(req, ctx, done);
      return;
    }
    this.single(req, ctx, done);
  }

  private single(req: unknown, ctx: C, done: (out?: RpcResponse) => void): void {
    if (!isValidRequest(req)) { done(response(errorObject(RPC_ERRORS.INVALID_REQUEST), undefined, null)); return; }
    const notification = req.id === undefined || req.id === null;
    const respond = (error: unknown, result?: unknown): void => {
      if (notification) done();
      else done(response(error, result, req.id));
    };
    const handler = this.methods.get(req.method);
    if (!handler) { respond(errorObject(RPC_ERRORS.METHOD_NOT_FOUND)); return; }
    handler(req.params, ctx).then(
      (r) => respond(null, r),
      (e: unknown) => respond(isValidError(e) ? e : errorObject(RPC_ERRORS.INTERNAL_ERROR)));
  }

  /** Every element runs; responses keep request order, notifications are left out; nested arrays are ignored. */
  private batch(reqs: unknown[], ctx: C, done: (out?: RpcResponse[]) => void): void {
    const out: Array<RpcResponse | true | null | undefined> = reqs.map((r) => (Array.isArray(r) ? undefined : null));
    let pending = out.filter((x) => x === null).length;
    const finish = (): void => {
      const filtered = out.filter((x): x is RpcResponse => x !== true && x !== undefined && x !== null);
      if (filtered.length === 0) done();
      else done(filtered);
    };
    if (pending === 0) { finish(); return; }
    reqs.forEach((r, i) => {
      if (Array.isArray(r)) return;
      this.single(r, ctx, (res) => {
        out[i] = res ?? true;
        if (--pending === 0) finish();
      });
    });
  }
}
