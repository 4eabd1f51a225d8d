import { Topic } from './topic';

/**
 * The bank every new user starts with: questions that informational interviews are known to
 * run on. Keys are stable, so restoring the defaults never duplicates one the user kept.
 */
export const DEFAULT_QUESTIONS: { key: string; category: Topic; text: string }[] = [
  {
    key: 'entry-1',
    category: Topic.ENTRY_PATHS,
    text: 'How did you get into this field, and what did your first role look like?',
  },
  { key: 'entry-2', category: Topic.ENTRY_PATHS, text: 'What are the usual ways in for someone with my background?' },
  {
    key: 'entry-3',
    category: Topic.ENTRY_PATHS,
    text: 'If you were starting out today, what would you do differently?',
  },
  { key: 'day-1', category: Topic.DAY_TO_DAY, text: 'What does a typical week look like for you?' },
  { key: 'day-2', category: Topic.DAY_TO_DAY, text: 'Which parts of the job do you enjoy most, and which least?' },
  { key: 'day-3', category: Topic.DAY_TO_DAY, text: 'What problems take up most of your time right now?' },
  { key: 'skills-1', category: Topic.SKILLS_AND_TRAINING, text: 'Which skills matter most to succeed in this role?' },
  {
    key: 'skills-2',
    category: Topic.SKILLS_AND_TRAINING,
    text: 'Which courses, certifications or experience are actually valued when hiring?',
  },
  {
    key: 'skills-3',
    category: Topic.SKILLS_AND_TRAINING,
    text: 'What could I learn in the next three months that would make me a stronger candidate?',
  },
  {
    key: 'salary-1',
    category: Topic.SALARY,
    text: 'What salary range is realistic at entry level, and how does it grow?',
  },
  {
    key: 'salary-2',
    category: Topic.SALARY,
    text: 'Besides pay, which benefits or conditions differ most between employers?',
  },
  {
    key: 'culture-1',
    category: Topic.CULTURE,
    text: 'How would you describe the culture of your team and of the organisation?',
  },
  { key: 'culture-2', category: Topic.CULTURE, text: 'What kind of person thrives here, and who tends to struggle?' },
  { key: 'culture-3', category: Topic.CULTURE, text: 'How are decisions made, and how is good work recognised?' },
  { key: 'advance-1', category: Topic.ADVANCEMENT, text: 'What does a career path look like from here?' },
  { key: 'advance-2', category: Topic.ADVANCEMENT, text: 'How do people usually move up or across into other roles?' },
  {
    key: 'trends-1',
    category: Topic.INDUSTRY_TRENDS,
    text: 'Which changes in the industry will matter most over the next few years?',
  },
  {
    key: 'trends-2',
    category: Topic.INDUSTRY_TRENDS,
    text: 'Which organisations or teams are growing, and which are shrinking?',
  },
  { key: 'hiring-1', category: Topic.HIRING_CHANNELS, text: 'How does your organisation usually find new people?' },
  {
    key: 'hiring-2',
    category: Topic.HIRING_CHANNELS,
    text: 'Are roles often filled before they are advertised? How would I hear of them?',
  },
  { key: 'hiring-3', category: Topic.HIRING_CHANNELS, text: 'What makes an application or CV stand out to you?' },
  { key: 'events-1', category: Topic.EVENTS, text: 'Which events, meetups or associations are worth my time?' },
  { key: 'events-2', category: Topic.EVENTS, text: 'Which publications, newsletters or communities do you follow?' },
  { key: 'who-1', category: Topic.WHO_ELSE, text: 'Who else do you think I should talk to?' },
  { key: 'who-2', category: Topic.WHO_ELSE, text: 'May I mention your name when I contact them?' },
  { key: 'advice-1', category: Topic.ADVICE, text: 'Having heard my background, what would you advise me to do next?' },
];
