import { registerEnumType } from 'type-graphql';

/** Where a contact is in the informational-interview cycle. */
export enum ContactStage {
  IDENTIFIED = 'IDENTIFIED',
  REQUESTED = 'REQUESTED',
  SCHEDULED = 'SCHEDULED',
  MET = 'MET',
  FOLLOWED_UP = 'FOLLOWED_UP',
  NURTURING = 'NURTURING',
  DECLINED = 'DECLINED',
}
registerEnumType(ContactStage, {
  name: 'ContactStage',
  description: 'IDENTIFIED → REQUESTED → SCHEDULED → MET → FOLLOWED_UP → NURTURING, or DECLINED.',
});

const S = ContactStage;

/**
 * Moves a user may make by hand. Forward along the cycle (skipping is fine: a friend can be
 * scheduled without a formal request), a step back where plans fell through, DECLINED from
 * anywhere before the meeting, and a new cycle from NURTURING.
 */
export const STAGE_TRANSITIONS: Record<ContactStage, ContactStage[]> = {
  [S.IDENTIFIED]: [S.REQUESTED, S.SCHEDULED, S.DECLINED],
  [S.REQUESTED]: [S.IDENTIFIED, S.SCHEDULED, S.DECLINED],
  [S.SCHEDULED]: [S.REQUESTED, S.MET, S.DECLINED],
  [S.MET]: [S.FOLLOWED_UP, S.NURTURING],
  [S.FOLLOWED_UP]: [S.NURTURING],
  [S.NURTURING]: [S.REQUESTED, S.SCHEDULED, S.FOLLOWED_UP],
  [S.DECLINED]: [S.IDENTIFIED, S.REQUESTED],
};

export function canMove(from: ContactStage, to: ContactStage): boolean {
  return from === to || STAGE_TRANSITIONS[from].includes(to);
}

/** What happened to a contact's meetings, moving its stage without the user choosing it. */
export enum StageEvent {
  MEETING_SCHEDULED = 'MEETING_SCHEDULED',
  /** A meeting planned with a DECLINED contact because the user said they changed their mind. */
  MEETING_SCHEDULED_REOPENING = 'MEETING_SCHEDULED_REOPENING',
  /** The last scheduled meeting with the contact was cancelled. */
  MEETING_CANCELLED = 'MEETING_CANCELLED',
  MEETING_HELD = 'MEETING_HELD',
}

const EVERY_STAGE = Object.values(ContactStage);
// Where a planned meeting moves a contact: only where the user could move them by hand (a MET or
// FOLLOWED_UP contact stays so for a second conversation; DECLINED needs the user's say-so).
const SCHEDULABLE = EVERY_STAGE.filter((stage) => STAGE_TRANSITIONS[stage].includes(S.SCHEDULED));

/**
 * The moves Rapport makes itself, next to the user's own (STAGE_TRANSITIONS): the stage it
 * moves to and the stages it moves from (others are left alone).
 */
export const AUTOMATIC_MOVES: Record<StageEvent, { to: ContactStage; from: readonly ContactStage[] }> = {
  [StageEvent.MEETING_SCHEDULED]: { to: S.SCHEDULED, from: SCHEDULABLE },
  [StageEvent.MEETING_SCHEDULED_REOPENING]: { to: S.SCHEDULED, from: [...SCHEDULABLE, S.DECLINED] },
  [StageEvent.MEETING_CANCELLED]: { to: S.REQUESTED, from: [S.SCHEDULED] },
  [StageEvent.MEETING_HELD]: { to: S.MET, from: EVERY_STAGE },
};
