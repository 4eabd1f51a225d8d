import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { AccessTokens } from '../modules/auth/access-tokens';
import { AuthService } from '../modules/auth/auth.service';
import { LoginThrottle } from '../modules/auth/login-throttle';
import { PasswordHasher } from '../modules/auth/password-hasher';
import { ContactService } from '../modules/contacts/contact.service';
import { InsightService } from '../modules/insights/insight.service';
import { MeetingService } from '../modules/meetings/meeting.service';
import { OrganisationService } from '../modules/organisations/organisation.service';
import { QuestionService } from '../modules/questions/question.service';
import { UserService } from '../modules/users/user.service';
import type { Config } from './config';
import type { Logger } from './logger';

/** What the API and the worker share: connections, config and logging. */
export interface Infrastructure {
  config: Config;
  ds: DataSource;
  redis: Redis;
  logger: Logger;
}

/** Every service, built once per process; they hold no per-request state. */
export interface Services {
  users: UserService;
  auth: AuthService;
  accessTokens: AccessTokens;
  organisations: OrganisationService;
  contacts: ContactService;
  questions: QuestionService;
  meetings: MeetingService;
  insights: InsightService;
}

export function createServices({ config, ds, redis, logger }: Infrastructure): Services {
  const users = new UserService(ds);
  const questions = new QuestionService(ds);
  const accessTokens = new AccessTokens(config.auth);
  const auth = new AuthService(
    ds,
    users,
    questions,
    new PasswordHasher(config.auth.argon2),
    accessTokens,
    new LoginThrottle(redis, config.redis.prefix, config.auth.throttle),
    config.auth,
    logger.child({ module: 'auth' }),
  );
  return {
    users,
    auth,
    accessTokens,
    organisations: new OrganisationService(ds),
    contacts: new ContactService(ds),
    questions,
    meetings: new MeetingService(ds, questions),
    insights: new InsightService(ds),
  };
}
