import { Router, type Request } from 'express';
import { AppError } from '../../core/errors';
import { sendInvalidLinkPage, sendPage } from '../../core/http/link-page';
import type { EmailVerificationService } from './email-verification.service';

/**
 * The page behind the link in a verification email. GET only asks to confirm — mail scanners
 * and previews fetch links, and a GET must change nothing (least of all verify an address whose
 * owner never asked). POST, from that page's form, calls `verifyEmail`.
 */
export function verifyEmailRouter(verification: Pick<EmailVerificationService, 'verify'>): Router {
  const router = Router();
  const tokenOf = (req: Request) => (typeof req.query.token === 'string' ? req.query.token : '');

  router.get('/', (req, res) => {
    if (!tokenOf(req)) return sendInvalidLinkPage(res);
    sendPage(
      res,
      200,
      'Verify your email address',
      `<h1>Verify your email address?</h1>
<p>Confirm that this address belongs to your Rapport account.</p>
<form method="post"><button type="submit">Verify</button></form>`,
    );
  });

  router.post('/', async (req, res) => {
    try {
      await verification.verify(tokenOf(req));
    } catch (err) {
      if (err instanceof AppError) return sendInvalidLinkPage(res);
      req.log?.error({ err }, 'verifying an email address failed');
      return sendPage(res, 500, 'Please try again', '<h1>Something went wrong</h1><p>Please try again later.</p>');
    }
    sendPage(res, 200, 'Address verified', '<h1>Your address is verified</h1><p>You can close this page.</p>');
  });

  return router;
}
