// The resource types come from @stagecoach/core, where one zod schema per kind defines them for
// the server, the CLI and this UI alike.
export type { Application, Environment, EnvironmentKind, Product } from '@stagecoach/core';

/** The body of every list endpoint. */
export interface ResourceList<T> {
  items: T[];
}
