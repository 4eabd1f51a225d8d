import { Router, type Request, type Response } from 'express';
import { AppError } from '../../core/errors';
import { sendInvalidLinkPage, sendPage } from '../../core/http/link-page';
import type { PasswordResetService } from './password-reset.service';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password-hasher';

/**
 * The page behind the link in a password reset email: GET shows a form (and changes nothing, as
 * mail scanners fetch links); its POST calls `resetPassword` with the token from the link.
 */
export function resetPasswordRouter(resets: Pick<PasswordResetService, 'reset'>): Router {
  const router = Router();
  const tokenOf = (req: Request) => (typeof req.query.token === 'string' ? req.query.token : '');

  router.get('/', (req, res) => {
    if (!tokenOf(req)) return sendInvalidLinkPage(res);
    form(res, 200);
  });

  router.post('/', async (req, res) => {
    const password = (req.body as Record<string, unknown> | undefined)?.newPassword;
    try {
      await resets.reset(tokenOf(req), typeof password === 'string' ? password : '');
    } catch (err) {
      if (err instanceof AppError) {
        const fields = (err.details.fields ?? []).map((f) => f.field);
        return fields.includes('input.newPassword') ? form(res, 400, err.message) : sendInvalidLinkPage(res);
      }
      req.log?.error({ err }, 'resetting a password failed');
      return sendPage(res, 500, 'Please try again', '<h1>Something went wrong</h1><p>Please try again later.</p>');
    }
    sendPage(res, 200, 'Password changed', '<h1>Your password is changed</h1><p>Sign in again on every device.</p>');
  });

  return router;
}

function form(res: Response, status: number, problem?: string) {
  sendPage(
    res,
    status,
    'Choose a new password',
    `<h1>Choose a new password</h1>
${problem ? '<p>That password cannot be used: it must be ' + PASSWORD_MIN_LENGTH + ' to ' + PASSWORD_MAX_LENGTH + ' characters long.</p>' : ''}
<form method="post"><p><input type="password" name="newPassword" autocomplete="new-password" minlength="${PASSWORD_MIN_LENGTH}" maxlength="${PASSWORD_MAX_LENGTH}" required /></p><button type="submit">Set password</button></form>`,
  );
}
