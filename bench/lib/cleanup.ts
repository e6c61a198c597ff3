/**
 * What a run must undo (temporary folders, the HTTP server, the Git port's processes), undone in
 * reverse order at the end, also when the run fails or is interrupted (SIGINT, SIGTERM).
 */
export class Cleanup {
  readonly #steps: { what: string; undo: () => Promise<unknown> }[] = [];
  #running: Promise<string[]> | undefined;
  /** True once a signal started the cleanup: what fails after it fails because of it. */
  interrupted = false;

  /** Registers `undo` and returns `value`, so a resource is registered where it is made. */
  add<T>(what: string, value: T, undo: () => Promise<unknown>): T {
    this.#steps.push({ what, undo });
    return value;
  }

  /** Undoes every step, newest first, even when some fail; returns the failures' descriptions. Runs once. */
  run(): Promise<string[]> {
    this.#running ??= (async () => {
      const failures: string[] = [];
      for (const step of this.#steps.reverse()) {
        try {
          await step.undo();
        } catch (error) {
          failures.push(`${step.what}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return failures;
    })();
    return this.#running;
  }

  /** On SIGINT or SIGTERM: clean up, then exit with 128 + the signal number. */
  onSignals(): void {
    const handle = (signal: NodeJS.Signals, code: number) => {
      this.interrupted = true;
      process.stderr.write(`\n${signal}: cleaning up\n`);
      void this.run().finally(() => process.exit(128 + code));
    };
    process.once('SIGINT', () => handle('SIGINT', 2));
    process.once('SIGTERM', () => handle('SIGTERM', 15));
  }
}
