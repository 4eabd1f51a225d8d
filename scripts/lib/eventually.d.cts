export declare class GiveUp extends Error {}

export interface EventuallyOptions {
  /** How long to keep trying (default 10 s). */
  timeoutMs?: number;
  /** Pause between tries (default 25 ms). */
  intervalMs?: number;
  /** Named in the timeout error when the check never threw. */
  what?: string;
}

/** Retries `check` until it neither throws nor returns `false`; resolves with its result. */
export declare function eventually<T>(check: () => T | Promise<T>, options?: EventuallyOptions): Promise<T>;
