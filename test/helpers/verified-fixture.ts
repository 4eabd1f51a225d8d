/**
 * A fixture shortcut, in the test template only: the accounts tests register are verified as
 * they are inserted (so no verification email is planned for them), except addresses at
 * `unverified.test` (`unverifiedInput()` in factories.ts), which go through the real flow.
 * Suites about everything else need accounts whose mail to contacts is sent.
 */
export const VERIFIED_FIXTURE = `
  CREATE FUNCTION test_fixture_verified_users() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.email NOT LIKE '%@unverified.test' THEN
      NEW.email_verified_at := coalesce(NEW.email_verified_at, now());
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER test_fixture_verified_users BEFORE INSERT ON users
    FOR EACH ROW EXECUTE FUNCTION test_fixture_verified_users();`;
