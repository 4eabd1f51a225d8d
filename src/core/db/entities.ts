import { RefreshToken } from '../../modules/auth/refresh-token.entity';
import { Contact } from '../../modules/contacts/contact.entity';
import { Organisation } from '../../modules/organisations/organisation.entity';
import { User } from '../../modules/users/user.entity';

/** Every TypeORM entity; one list so the app, the CLIs and the tests agree. */
export const ENTITIES = [User, RefreshToken, Organisation, Contact];
