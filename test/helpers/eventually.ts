// The repository's one "wait until" (shared with the benchmark and the bootstrap).
export { eventually, GiveUp } from '../../scripts/lib/eventually.cjs';
