import { ValidationError } from '../../core/errors';
import { JobLeadStatus, OPEN_JOB_LEAD_STATUSES, type JobLeadStatusStep } from './job-lead.entity';

/** A lead keeps its first status and its latest ones: a long back-and-forth cannot grow the row. */
export const STATUS_HISTORY_CAP = 50;

const isOpen = (s: JobLeadStatus) => OPEN_JOB_LEAD_STATUSES.includes(s);

/**
 * Whether a lead may move `from` → `to` (docs/network.md § Job leads): forward along the
 * pipeline, skipping steps if need be, but ACCEPTED only from OFFER; REJECTED or WITHDRAWN from
 * any open status; back between open statuses (a correction, an interview round called off);
 * a REJECTED or WITHDRAWN lead reopened to an open status; an ACCEPTED one only back to OFFER.
 */
export function canMove(from: JobLeadStatus, to: JobLeadStatus): boolean {
  if (from === to) return true;
  if (to === JobLeadStatus.ACCEPTED) return from === JobLeadStatus.OFFER;
  if (from === JobLeadStatus.ACCEPTED) return to === JobLeadStatus.OFFER;
  if (isOpen(from)) return true;
  return isOpen(to);
}

export enum JobLeadErrorReason {
  /** A status move the pipeline does not allow (e.g. ACCEPTED from anything but OFFER). */
  ILLEGAL_STATUS_TRANSITION = 'ILLEGAL_STATUS_TRANSITION',
}

export function assertMove(from: JobLeadStatus, to: JobLeadStatus, field = 'input.status'): void {
  if (!canMove(from, to)) {
    throw new ValidationError(
      [{ field, message: `cannot move a lead from ${from} to ${to}` }],
      JobLeadErrorReason.ILLEGAL_STATUS_TRANSITION,
    );
  }
}

/** The history with `status` entered at `at` appended, capped at STATUS_HISTORY_CAP steps. */
export function withStep(history: JobLeadStatusStep[], status: JobLeadStatus, at: Date): JobLeadStatusStep[] {
  const next = [...history, { status, at: at.toISOString() }];
  return next.length > STATUS_HISTORY_CAP ? [next[0], ...next.slice(-(STATUS_HISTORY_CAP - 1))] : next;
}
