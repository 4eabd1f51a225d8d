import type { EntityManager } from 'typeorm';
import { AUTOMATIC_MOVES, StageEvent } from './contact-stage';

/**
 * Moves a contact's stage when something happens to its meetings, by the rule in
 * AUTOMATIC_MOVES: the one place outside the user's own edits where a stage changes. Runs in
 * the caller's transaction; a contact in a stage the rule does not move from is left alone.
 */
export async function moveStageOn(
  m: EntityManager,
  event: StageEvent,
  { userId, contactId, contactedAt }: { userId: string; contactId: string; contactedAt?: Date },
): Promise<void> {
  const { to, from } = AUTOMATIC_MOVES[event];
  const params: unknown[] = [contactId, userId, to, from];
  let extra = '';
  let condition = '';
  if (event === StageEvent.MEETING_CANCELLED) {
    // Back to REQUESTED only when no other meeting with the contact is still planned.
    condition = `AND NOT EXISTS (SELECT 1 FROM meetings WHERE contact_id = $1 AND status = 'SCHEDULED')`;
  }
  if (contactedAt) {
    // A meeting held counts as contact: keep-in-touch reminders count from it.
    params.push(contactedAt);
    extra = `, last_contacted_at = greatest(coalesce(last_contacted_at, '-infinity'), $5)`;
  }
  await m.query(
    `UPDATE contacts SET stage = $3::contact_stage, updated_at = now()${extra}
     WHERE id = $1 AND user_id = $2 AND stage = ANY($4::contact_stage[]) ${condition}`,
    params,
  );
}
