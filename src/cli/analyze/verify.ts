// `tsysd analyze verify ...`: the same as `tsysd verify` (src/cli/verify.ts).
export async function run(argv: string[]): Promise<number> {
  const { runVerify } = require('../verify') as typeof import('../verify');
  return runVerify(argv);
}
