import { RefreshToken } from '../../modules/auth/refresh-token.entity';
import { User } from '../../modules/users/user.entity';

/** Every TypeORM entity; one list so the app, the CLIs and the tests agree. */
export const ENTITIES = [User, RefreshToken];
