import type { ActionRunner } from './types.ts';

/** The `none` action: no Git change; only the workflows around it run. */
export function noneRunner(): ActionRunner {
  return {
    action: 'none',
    async run() {
      return { status: 'succeeded', noChange: true, files: [], message: 'action "none": no Git change' };
    },
  };
}
