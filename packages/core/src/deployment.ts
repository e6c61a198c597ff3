/** Argo CD's sync statuses: whether the live state matches the branch as the agent last read it. */
export const SYNC_STATES = ['Synced', 'OutOfSync', 'Unknown'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

/** Argo CD's health statuses of an application (the worst of its resources). */
export const HEALTH_STATES = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** What a GitOps agent reports for one application. */
export interface DeploymentObservation {
  sync: SyncState;
  health: HealthState;
  /** The commit the agent compared the live state with (its view of the branch); absent when unknown. */
  revision?: string;
  /** The agent's own words (a health message, a failed sync's error), when it gave some. */
  message?: string;
}
