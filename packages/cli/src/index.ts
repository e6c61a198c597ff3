export { main, buildProgram } from './main.ts';
export { EXIT, CliError } from './errors.ts';
export type { Io } from './io.ts';
