/** Exit codes: 0 success; 1 the server refused or failed the request; 2 wrong usage; 3 cannot reach the server or start. */
export const EXIT = { ok: 0, refused: 1, usage: 2, unavailable: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The one error the commands throw; the entry file prints its message and exits with its code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.refused,
    /** Extra lines printed under the message (one per problem). */
    readonly lines: string[] = [],
  ) {
    super(message);
  }
}
