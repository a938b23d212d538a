// The only globals the pure folders (engine, units, directives, notify parsing, the unit-file syntax) may
// use beyond ECMAScript itself: WHATWG encoding and base64, present in every JavaScript runtime (Node,
// browsers, Deno). tsconfig.pure.json compiles those folders with `"types": []` and this file, so an
// import of node:* or a use of Buffer/process there is a compile error, not a review comment.
// (The full build gets the same declarations from @types/node; this file is not part of it.)
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
declare function atob(data: string): string;
declare function queueMicrotask(cb: () => void): void;
